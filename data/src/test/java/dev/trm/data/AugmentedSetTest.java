package dev.trm.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.trm.task.arc.ArcAugmentation;
import dev.trm.task.arc.ArcTask;
import dev.trm.task.maze.MazeChecker;
import dev.trm.task.maze.MazeGrid;
import dev.trm.task.sudoku.SudokuChecker;
import dev.trm.task.sudoku.SudokuGrid;
import dev.trm.task.Dihedral;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Augmented copies of the real data sets stay valid, and seeds make them reproducible. */
class AugmentedSetTest {
    @TempDir
    Path dir;

    @Test
    void sudokuCopiesStaySolvedAndReproducible() {
        List<Example<SudokuGrid>> set = PuzzleSet.readSudoku(SharedData.file("sudoku/train_1k.csv")).subList(0, 200);
        List<Example<SudokuGrid>> aug = AugmentedSet.sudoku(set, 5, 1);
        assertEquals(1200, aug.size());
        for (Example<SudokuGrid> e : aug) {
            assertNull(SudokuChecker.problem(e.question(), e.answer()));
        }
        assertEquals(aug, AugmentedSet.sudoku(set, 5, 1));
    }

    @Test
    void mazeCopiesStayShortest() {
        List<Example<MazeGrid>> set = PuzzleSet.readMaze(SharedData.file("maze-30x30-hard-1k/test.csv")).subList(0, 50);
        List<Example<MazeGrid>> aug = AugmentedSet.maze(set, 7, 3);
        assertEquals(400, aug.size());
        for (Example<MazeGrid> e : aug) {
            assertNull(MazeChecker.problem(e.question(), e.answer()));
        }
        assertThrows(IllegalArgumentException.class, () -> AugmentedSet.maze(set, 8, 3));
    }

    @Test
    void arcVariantsInvertToTheOriginal() throws IOException {
        Map<String, ArcTask> tasks = ArcSet.read(SharedData.file("arc-agi-1/evaluation.json"));
        Map<String, ArcTask> some = new LinkedHashMap<>();
        tasks.values().stream().limit(40).forEach(t -> some.put(t.id(), t));
        Map<String, ArcTask> aug = AugmentedSet.arc(some, 8, 42);
        assertEquals(aug, AugmentedSet.arc(some, 8, 42));
        for (ArcTask v : aug.values()) {
            String[] parts = v.id().split("\\|\\|\\|");
            ArcTask orig = some.get(parts[0]);
            if (parts.length == 1) {
                continue;
            }
            int[] colours = parts[2].chars().map(c -> c - '0').toArray();
            ArcAugmentation a = new ArcAugmentation(Dihedral.of(Integer.parseInt(parts[1].substring(1))), colours);
            for (int i = 0; i < orig.train().size(); i++) {
                assertEquals(orig.train().get(i).input(), a.invert(v.train().get(i).input()), v.id());
                assertEquals(orig.train().get(i).output(), a.invert(v.train().get(i).output()), v.id());
            }
        }
        // written and read back unchanged
        Path out = dir.resolve("aug.json");
        ArcSet.write(out, aug);
        assertEquals(aug, ArcSet.read(out));
        // distinct variants of each task (the reference rejects duplicates)
        assertEquals(aug.size(), aug.values().stream().map(t -> List.of(t.train(), t.test())).distinct().count());
    }
}
