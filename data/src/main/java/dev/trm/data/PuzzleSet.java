package dev.trm.data;

import dev.trm.task.PuzzleException;
import dev.trm.task.TaskKind;
import dev.trm.task.maze.MazeChecker;
import dev.trm.task.maze.MazeGrid;
import dev.trm.task.sudoku.SudokuChecker;
import dev.trm.task.sudoku.SudokuGrid;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * Labelled Sudoku and Maze sets in the HRM CSV layout. Every row is parsed and checked (the answer
 * must solve the question); the first bad row stops the read with its file, line and field.
 */
public final class PuzzleSet {
    private PuzzleSet() {
    }

    /**
     * The task of a data file: ARC for JSON ({@code .json}, {@code .json.gz}); for a CSV set, from its
     * first row: 81-cell questions are Sudoku, 900-cell ones Maze.
     */
    public static TaskKind detectTask(Path file) {
        String name = file.getFileName().toString();
        if (name.endsWith(".json") || name.endsWith(".json.gz")) {
            return TaskKind.ARC;
        }
        List<PuzzleCsv.Row> rows = PuzzleCsv.read(file);
        if (rows.isEmpty()) {
            throw new DataFormatException(file, "", "no rows after the header");
        }
        int length = rows.get(0).question().length();
        for (TaskKind csvTask : CSV_TASKS) {
            if (length == csvTask.sequenceLength()) {
                return csvTask;
            }
        }
        throw new DataFormatException(file, Long.toString(rows.get(0).line()), PuzzleCsv.QUESTION + ": "
                + length + " characters is neither a Sudoku (" + SudokuGrid.CELLS + ") nor a maze (" + MazeGrid.CELLS + ")");
    }

    /** The tasks whose sets are CSV files, one cell per token. */
    private static final List<TaskKind> CSV_TASKS = List.of(TaskKind.SUDOKU, TaskKind.MAZE);

    /**
     * The rows of a labelled Sudoku or Maze set, each checked as {@link #readSudoku} and
     * {@link #readMaze} check them (the answer must solve the question), for commands that score
     * answers against the labels.
     */
    public static List<PuzzleCsv.Row> readLabelled(Path file) {
        TaskKind task = detectTask(file);
        switch (task) {
            case SUDOKU: readSudoku(file); break;
            case MAZE: readMaze(file); break;
            default: throw new DataFormatException(file, "", "a " + task + " file is not a CSV of labelled puzzles");
        }
        return PuzzleCsv.read(file);
    }

    public static List<Example<SudokuGrid>> readSudoku(Path file) {
        return read(file, text -> SudokuGrid.parse(text).requireConsistent(), SudokuGrid::parse, SudokuChecker::problem);
    }

    public static List<Example<MazeGrid>> readMaze(Path file) {
        return read(file, MazeGrid::parse, MazeGrid::parse, MazeChecker::problem);
    }

    private static <G> List<Example<G>> read(Path file, Function<String, G> parseQuestion, Function<String, G> parseAnswer,
                                             BiFunction<G, G, String> problem) {
        List<Example<G>> out = new ArrayList<>();
        for (PuzzleCsv.Row row : PuzzleCsv.read(file)) {
            String at = Long.toString(row.line());
            G question = parseField(file, at, PuzzleCsv.QUESTION, row.question(), parseQuestion);
            G answer = parseField(file, at, PuzzleCsv.ANSWER, row.answer(), parseAnswer);
            String why = problem.apply(question, answer);
            if (why != null) {
                throw new DataFormatException(file, at, "answer does not solve the question: " + why);
            }
            out.add(new Example<>(row.line(), row.source(), question, answer, parseRating(file, at, row.rating())));
        }
        return out;
    }

    private static <G> G parseField(Path file, String at, String field, String text, Function<String, G> parse) {
        try {
            return parse.apply(text);
        } catch (PuzzleException e) {
            throw new DataFormatException(file, at, field + ": " + e.getMessage(), e);
        }
    }

    private static long parseRating(Path file, String at, String text) {
        if (text.isEmpty()) {
            return Example.NO_RATING;
        }
        try {
            long r = Long.parseLong(text.trim());
            if (r < 0) {
                throw new NumberFormatException();
            }
            return r;
        } catch (NumberFormatException e) {
            throw new DataFormatException(file, at, PuzzleCsv.RATING + ": '" + text + "' is not a non-negative integer");
        }
    }

    /**
     * {@code count} generated Sudoku rows, as {@code trm data generate} makes them: one generator seeded
     * with {@code seed}, puzzles in order. The same arguments give the same rows.
     */
    public static List<PuzzleCsv.Row> generateSudoku(int count, SudokuGenerator.Difficulty difficulty, long seed) {
        if (count < 1) {
            throw new IllegalArgumentException("count must be at least 1, got " + count);
        }
        SudokuGenerator gen = new SudokuGenerator(seed);
        List<PuzzleCsv.Row> rows = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            SudokuGenerator.Puzzle p = gen.next(difficulty);
            rows.add(sudokuRow("generated-seed" + seed, p.question(), p.answer(), p.rating()));
        }
        return rows;
    }

    /** The CSV row of an example, for writing generated or augmented sets. */
    public static PuzzleCsv.Row sudokuRow(String source, SudokuGrid question, SudokuGrid answer, long rating) {
        return new PuzzleCsv.Row(0, source, question.toLine(), answer.toLine(),
                rating == Example.NO_RATING ? "" : Long.toString(rating));
    }

    public static PuzzleCsv.Row mazeRow(String source, MazeGrid question, MazeGrid answer, long rating) {
        return new PuzzleCsv.Row(0, source, question.toText(), answer.toText(),
                rating == Example.NO_RATING ? "" : Long.toString(rating));
    }
}
