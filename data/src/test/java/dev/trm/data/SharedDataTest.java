package dev.trm.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.trm.task.arc.ArcCodec;
import dev.trm.task.arc.ArcPair;
import dev.trm.task.arc.ArcTask;
import dev.trm.task.maze.MazeChecker;
import dev.trm.task.maze.MazeGrid;
import dev.trm.task.maze.MazeSolver;
import dev.trm.task.sudoku.SudokuGrid;
import dev.trm.task.sudoku.SudokuSolver;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every row of every shared data set loads and validates. */
class SharedDataTest {
    @ParameterizedTest
    @CsvSource({
        "sudoku/train_1k.csv, 1000",
        "sudoku/dev_1k.csv, 1000",
        "sudoku/magictour_top1465.csv.gz, 1435",
        "sudoku/forum_hardest_1106.csv.gz, 355",
        "sudoku/forum_hardest_1905_11plus.csv.gz, 47420",
        "sudoku/17_clue.csv.gz, 49156",
    })
    void sudokuAnswersAreValidAndUnique(String file, int rows) {
        List<Example<SudokuGrid>> set = PuzzleSet.readSudoku(SharedData.file(file));
        assertEquals(rows, set.size());
        // the reader already checked each answer solves its question; here: it is the only solution,
        // and the file's rating is the dead-end count of our solver (the same rating rule)
        List<String> bad = set.parallelStream()
                .filter(e -> {
                    SudokuSolver.Result r = SudokuSolver.solve(e.question(), 2);
                    return !r.isUnique() || r.deadEnds() != e.rating();
                })
                .map(e -> "line " + e.line())
                .collect(Collectors.toList());
        assertEquals(List.of(), bad, file + ": puzzles not unique or rated differently");
    }

    @ParameterizedTest
    @CsvSource({"maze-30x30-hard-1k/train.csv", "maze-30x30-hard-1k/test.csv"})
    void mazeAnswersAreShortestPaths(String file) {
        List<Example<MazeGrid>> set = PuzzleSet.readMaze(SharedData.file(file));
        assertEquals(1000, set.size());
        Set<MazeGrid> distinct = new HashSet<>();
        for (Example<MazeGrid> e : set) {
            assertNull(MazeChecker.problem(e.question(), e.answer()));
            // the README's rating is the shortest path length in moves
            assertEquals(e.rating(), MazeSolver.shortestDistance(e.question()), "line " + e.line());
            distinct.add(e.question());
        }
        assertEquals(1000, distinct.size());
    }

    @ParameterizedTest
    @CsvSource({
        "arc-agi-1/training.json, 400, 1302, 416, 416",
        "arc-agi-1/evaluation.json, 400, 1363, 419, 419",
        "arc-agi-2/training.json, 1000, 3232, 1076, 1076",
        "arc-agi-2/evaluation_challenges.json, 120, 359, 167, 0",
        "conceptarc/corpus.json, 160, 427, 480, 480",
        "conceptarc/minimal.json, 16, 46, 48, 48",
    })
    void arcTasksLoadAndRoundTrip(String file, int tasks, int demos, int tests, int testOutputs) {
        Map<String, ArcTask> set = ArcSet.read(SharedData.file(file));
        assertEquals(tasks, set.size());
        assertEquals(demos, set.values().stream().mapToInt(t -> t.train().size()).sum());
        assertEquals(tests, set.values().stream().mapToInt(t -> t.test().size()).sum());
        assertEquals(testOutputs, set.values().stream().flatMap(t -> t.test().stream()).filter(ArcPair::hasOutput).count());
        for (ArcTask t : set.values()) {
            for (ArcPair p : t.train()) {
                assertEquals(p.input(), ArcCodec.INSTANCE.decode(ArcCodec.INSTANCE.encode(p.input())), t.id());
                assertEquals(p.output(), ArcCodec.INSTANCE.decode(ArcCodec.INSTANCE.encode(p.output())), t.id());
            }
        }
    }
}
