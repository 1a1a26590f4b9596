package dev.trm.cli;

import dev.trm.data.ArcSet;
import dev.trm.data.AtomicFile;
import dev.trm.data.AugmentedSet;
import dev.trm.data.Example;
import dev.trm.data.PuzzleCsv;
import dev.trm.data.PuzzleSet;
import dev.trm.data.SudokuGenerator;
import dev.trm.task.TaskKind;
import dev.trm.task.arc.ArcPair;
import dev.trm.task.arc.ArcTask;
import dev.trm.task.maze.MazeGrid;
import dev.trm.task.sudoku.SudokuGrid;
import dev.trm.task.sudoku.SudokuSolver;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code trm data}: inspect, generate and augment puzzle data sets. */
@Command(name = "data", mixinStandardHelpOptions = true,
        description = "Inspect, generate and augment puzzle data sets (HRM CSV layout, ARC JSON).",
        subcommands = {DataCommand.Check.class, DataCommand.Generate.class, DataCommand.Augment.class})
final class DataCommand {
    /** The --task value that reads the task off the file. */
    private static final String AUTO = "auto";

    /** Task of a data file: from the option, else from its name and first row. */
    static TaskKind task(String option, Path file) {
        if (AUTO.equals(option)) {
            return PuzzleSet.detectTask(file);
        }
        try {
            return TaskKind.of(option);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--task: " + e.getMessage().replace(")", ", " + AUTO + ")"), e);
        }
    }

    @Command(name = "check", mixinStandardHelpOptions = true,
            description = "Load and validate every row (answers must solve their questions; Sudoku answers must be unique)"
                    + " and print counts and histograms. Exits 1 naming the first bad row.")
    static final class Check implements Callable<Integer> {
        @Parameters(paramLabel = "FILE", description = "a .csv, .csv.gz or ARC .json file")
        Path file;

        @Option(names = "--task", defaultValue = "auto", description = "sudoku, maze, arc or auto (default: ${DEFAULT-VALUE})")
        String task;

        @Option(names = "--no-unique", negatable = false, description = "skip the Sudoku uniqueness check")
        boolean skipUnique;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            int status;
            switch (task(task, file)) {
                case SUDOKU: status = checkSudoku(out); break;
                case MAZE: status = checkMaze(out); break;
                default: status = checkArc(out); break;
            }
            out.flush();
            return status;
        }

        private int checkSudoku(PrintWriter out) {
            List<Example<SudokuGrid>> set = PuzzleSet.readSudoku(file);
            out.printf("%s: %d Sudoku puzzles; every row valid (givens consistent, answer solves question)%n", file, set.size());
            Histogram givens = Histogram.exact("givens");
            Histogram ratings = Histogram.powersOfTwo("rating (solver dead ends)");
            for (Example<SudokuGrid> e : set) {
                givens.add(e.question().filled());
                if (e.hasRating()) {
                    ratings.add(e.rating());
                }
            }
            int status = 0;
            if (!skipUnique) {
                List<Long> notUnique = set.parallelStream().filter(e -> !SudokuSolver.solve(e.question(), 2).isUnique())
                        .map(Example::line).sorted().collect(Collectors.toList());
                out.printf("unique solutions: %d of %d%s%n", set.size() - notUnique.size(), set.size(),
                        notUnique.isEmpty() ? "" : " (not unique: lines " + head(notUnique) + ")");
                status = notUnique.isEmpty() ? 0 : Trm.EXIT_BAD_INPUT;
            }
            givens.print(out);
            ratings.print(out);
            return status;
        }

        private int checkMaze(PrintWriter out) {
            List<Example<MazeGrid>> set = PuzzleSet.readMaze(file);
            out.printf("%s: %d mazes; every row valid (answer marks a shortest S-to-G path)%n", file, set.size());
            Histogram walls = Histogram.exact("walls");
            Histogram path = Histogram.exact("shortest path (moves)");
            for (Example<MazeGrid> e : set) {
                walls.add(e.question().count(MazeGrid.WALL));
                path.add(e.answer().count(MazeGrid.PATH) + 1);
            }
            path.print(out);
            walls.print(out);
            return 0;
        }

        private int checkArc(PrintWriter out) {
            Map<String, ArcTask> tasks = ArcSet.read(file);
            long demos = tasks.values().stream().mapToLong(t -> t.train().size()).sum();
            long tests = tasks.values().stream().mapToLong(t -> t.test().size()).sum();
            long withheld = tasks.values().stream().flatMap(t -> t.test().stream()).filter(p -> !p.hasOutput()).count();
            out.printf("%s: %d ARC tasks, %d demonstration pairs, %d test pairs (%d without outputs); every grid valid%n",
                    file, tasks.size(), demos, tests, withheld);
            Histogram side = Histogram.exact("largest grid side per pair");
            for (ArcTask t : tasks.values()) {
                List<ArcPair> all = new ArrayList<>(t.train());
                all.addAll(t.test());
                for (ArcPair p : all) {
                    int s = Math.max(p.input().height(), p.input().width());
                    if (p.hasOutput()) {
                        s = Math.max(s, Math.max(p.output().height(), p.output().width()));
                    }
                    side.add(s);
                }
            }
            side.print(out);
            return 0;
        }

        private static String head(List<Long> lines) {
            int shown = 10;
            String s = lines.stream().limit(shown).map(String::valueOf).collect(Collectors.joining(", "));
            return lines.size() > shown ? s + ", ..." : s;
        }
    }

    @Command(name = "generate", mixinStandardHelpOptions = true,
            description = "Generate Sudoku puzzles with unique solutions (seeded) into a CSV file.")
    static final class Generate implements Callable<Integer> {
        @Option(names = "--count", required = true, description = "number of puzzles")
        int count;

        @Option(names = "--givens", defaultValue = "40-45", description = "givens range MIN-MAX (default: ${DEFAULT-VALUE})")
        String givens;

        @Option(names = "--rating", defaultValue = "0-" + Long.MAX_VALUE, description = "solver dead-ends range MIN-MAX")
        String rating;

        @Option(names = "--seed", defaultValue = "0", description = "random seed (default: ${DEFAULT-VALUE})")
        long seed;

        @Option(names = {"-o", "--out"}, required = true, description = "output CSV (.gz to compress)")
        Path out;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            if (count < 1) {
                throw new IllegalArgumentException("--count must be at least 1, got " + count);
            }
            AtomicFile.requireWritableFolder(out);
            long[] g = range("--givens", givens);
            if (g[0] < 0 || g[1] > SUDOKU_CELLS || g[0] > g[1]) { // a Sudoku has 81 cells (a long cut to int read 99999999999 as 1215752191)
                throw new IllegalArgumentException("--givens: MIN-MAX within 0-" + SUDOKU_CELLS + ", MIN <= MAX, got '" + givens + "'");
            }
            long[] r = range("--rating", rating);
            SudokuGenerator.Difficulty difficulty = new SudokuGenerator.Difficulty((int) g[0], (int) g[1], r[0], r[1]);
            PuzzleCsv.write(out, PuzzleSet.generateSudoku(count, difficulty, seed));
            spec.commandLine().getOut().printf("wrote %d puzzles (givens %s, seed %d) to %s%n", count, givens, seed, out);
            return 0;
        }

        /** Cells of a Sudoku: the most givens a puzzle can have. */
        static final int SUDOKU_CELLS = 81;

        static long[] range(String option, String text) {
            String[] parts = text.split("-", -1);
            try {
                if (parts.length == 2) {
                    return new long[] {Long.parseLong(parts[0].trim()), Long.parseLong(parts[1].trim())};
                }
                if (parts.length == 1) {
                    long v = Long.parseLong(parts[0].trim());
                    return new long[] {v, v};
                }
            } catch (NumberFormatException e) {
                // fall through to the error below
            }
            throw new IllegalArgumentException(option + ": expected MIN-MAX or a number, got '" + text + "'");
        }
    }

    @Command(name = "augment", mixinStandardHelpOptions = true,
            description = "Write a data set with each original followed by seeded augmented copies"
                    + " (Sudoku: digit/band/stack shuffles; Maze: dihedral; ARC: dihedral + colours).")
    static final class Augment implements Callable<Integer> {
        @Parameters(paramLabel = "FILE", description = "input data set")
        Path file;

        @Option(names = "--copies", required = true, description = "augmented copies per original")
        int copies;

        @Option(names = "--seed", defaultValue = "0", description = "random seed (default: ${DEFAULT-VALUE})")
        long seed;

        @Option(names = "--task", defaultValue = "auto", description = "sudoku, maze, arc or auto")
        String task;

        @Option(names = {"-o", "--out"}, required = true, description = "output file")
        Path out;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            AtomicFile.requireWritableFolder(out, file);
            TaskKind kind = task(task, file);
            int written;
            switch (kind) {
                case SUDOKU: {
                    List<PuzzleCsv.Row> rows = new ArrayList<>();
                    for (Example<SudokuGrid> e : AugmentedSet.sudoku(PuzzleSet.readSudoku(file), copies, seed)) {
                        rows.add(PuzzleSet.sudokuRow(e.source(), e.question(), e.answer(), e.rating()));
                    }
                    PuzzleCsv.write(out, rows);
                    written = rows.size();
                    break;
                }
                case MAZE: {
                    List<PuzzleCsv.Row> rows = new ArrayList<>();
                    for (Example<MazeGrid> e : AugmentedSet.maze(PuzzleSet.readMaze(file), copies, seed)) {
                        rows.add(PuzzleSet.mazeRow(e.source(), e.question(), e.answer(), e.rating()));
                    }
                    PuzzleCsv.write(out, rows);
                    written = rows.size();
                    break;
                }
                default: {
                    Map<String, ArcTask> tasks = AugmentedSet.arc(ArcSet.read(file), copies, seed);
                    ArcSet.write(out, tasks);
                    written = tasks.size();
                    break;
                }
            }
            spec.commandLine().getOut().printf("wrote %d %s rows/tasks (%d copies each, seed %d) to %s%n",
                    written, kind, copies, seed, out);
            return 0;
        }
    }
}
