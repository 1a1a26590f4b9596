package dev.trm.cli;

import dev.trm.data.PuzzleCsv;
import dev.trm.runtime.HaltPolicy;
import dev.trm.runtime.Provider;
import dev.trm.runtime.RuntimeOptions;
import dev.trm.runtime.Solution;
import dev.trm.runtime.TrmModel;
import dev.trm.task.sudoku.SudokuGrid;
import dev.trm.task.sudoku.SudokuSolver;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code trm solve}: puzzles through an exported model (the runtime), or the exact solver without one. */
@Command(name = "solve", mixinStandardHelpOptions = true,
        description = "Solve puzzles given as arguments, in a file (plain lines or the HRM CSV layout) or on standard input,"
                + " with a model exported by trm-export (--model), or with the exact Sudoku solver.")
final class SolveCommand implements Callable<Integer> {
    @Parameters(arity = "0..*", paramLabel = "PUZZLE", description = "puzzles; none: --file or standard input")
    List<String> puzzles = new ArrayList<>();

    @Option(names = {"-f", "--file"}, description = "puzzles, one per line, or a CSV with a 'question' column")
    Path file;

    @Option(names = {"-m", "--model"}, description = "an ONNX step exported by trm-export (default: the exact Sudoku solver)")
    Path model;

    @Option(names = "--policy", defaultValue = "verified+q-halt",
            description = "halting: fixed, q-halt[:P], verified, or A+B (default: ${DEFAULT-VALUE})")
    String policy;

    @Option(names = "--provider", defaultValue = "auto", description = "cpu, cuda or auto (default: ${DEFAULT-VALUE})")
    String provider;

    @Option(names = "--threads", defaultValue = "0", description = "intra-op threads on the CPU (0: one per core)")
    int threads;

    @Option(names = "--batch", defaultValue = "16", description = "puzzles run together (default: ${DEFAULT-VALUE})")
    int batch;

    @Option(names = "--json", description = "one JSON object per puzzle, for scripts")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        List<String> input = new ArrayList<>(puzzles);
        if (file != null) {
            input.addAll(readFile(file));
        }
        if (input.isEmpty()) {
            input.addAll(readLines(new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))));
        }
        if (input.isEmpty()) {
            throw new IllegalArgumentException("no puzzles given");
        }
        return model == null ? exact(input) : withModel(input);
    }

    private int withModel(List<String> input) {
        PrintWriter out = spec.commandLine().getOut();
        HaltPolicy halt = HaltPolicy.parse(policy);
        try (TrmModel m = TrmModel.load(model, new RuntimeOptions(Provider.parse(provider), threads, 0))) {
            List<Solution> solutions = m.solveAll(input, halt, batch, null);
            int unsolved = 0;
            for (int i = 0; i < solutions.size(); i++) {
                Solution s = solutions.get(i);
                unsolved += s.solved() ? 0 : 1;
                String where = solutions.size() == 1 ? "puzzle" : "puzzle " + (i + 1);
                if (json) {
                    out.printf("{\"puzzle\":\"%s\",\"answer\":\"%s\",\"solved\":%b,\"steps\":%d,\"halt\":\"%s\","
                            + "\"halt_probability\":%.4f,\"ms\":%.3f}%n", escape(s.puzzle()), escape(s.answer()), s.solved(),
                            s.steps(), s.haltReason(), s.haltProbabilities()[s.steps() - 1], s.nanos() / 1e6);
                } else {
                    out.print(m.task().render(s.answer()));
                    out.printf("%s: %s after %d of %d steps (%s, halt probability %.3f), %.1f ms on %s%n%n", where,
                            s.solved() ? "solved, verified" : "NOT solved", s.steps(), m.info().haltMaxSteps(), s.haltReason(),
                            s.haltProbabilities()[s.steps() - 1], s.nanos() / 1e6, m.provider().name().toLowerCase());
                }
            }
            out.flush();
            return unsolved == 0 ? 0 : Trm.EXIT_BAD_INPUT;
        }
    }

    private static String escape(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"");
    }

    private int exact(List<String> input) {
        PrintWriter out = spec.commandLine().getOut();
        int unsolved = 0;
        for (int i = 0; i < input.size(); i++) {
            String where = input.size() == 1 ? "puzzle" : "puzzle " + (i + 1);
            SudokuGrid q;
            try {
                q = SudokuGrid.parse(input.get(i)).requireConsistent();
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
            }
            long t0 = System.nanoTime();
            SudokuSolver.Result r = SudokuSolver.solve(q, 2);
            double ms = (System.nanoTime() - t0) / 1e6;
            unsolved += r.firstSolution() == null ? 1 : 0;
            if (json) {
                out.printf("{\"puzzle\":\"%s\",\"solved\":%b,\"answer\":%s,\"unique\":%b,\"dead_ends\":%d,\"ms\":%.3f}%n",
                        q.toLine(), r.firstSolution() != null,
                        r.firstSolution() == null ? "null" : "\"" + r.firstSolution().toLine() + "\"",
                        r.isUnique(), r.deadEnds(), ms);
            } else if (r.firstSolution() == null) {
                out.printf("%s: no solution (%d dead ends, %.2f ms)%n", where, r.deadEnds(), ms);
            } else {
                out.print(r.firstSolution().render());
                out.printf("%s: solved by the exact solver in %.2f ms, %d dead ends, %s%n%n", where, ms, r.deadEnds(),
                        r.isUnique() ? "unique solution" : "more than one solution");
            }
        }
        out.flush();
        return unsolved == 0 ? 0 : Trm.EXIT_BAD_INPUT;
    }

    /** Puzzles of a file: the 'question' column of a CSV with a header, else one puzzle per line. */
    static List<String> readFile(Path f) throws IOException {
        String first;
        try (BufferedReader r = Files.newBufferedReader(f, StandardCharsets.UTF_8)) {
            first = r.readLine();
        }
        if (first != null && first.contains(PuzzleCsv.QUESTION) && first.contains(",")) {
            List<String> out = new ArrayList<>();
            for (PuzzleCsv.Row row : PuzzleCsv.read(f)) {
                out.add(row.question());
            }
            return out;
        }
        try (BufferedReader r = Files.newBufferedReader(f, StandardCharsets.UTF_8)) {
            return readLines(r);
        }
    }

    private static List<String> readLines(BufferedReader r) throws IOException {
        List<String> lines = new ArrayList<>();
        for (String line = r.readLine(); line != null; line = r.readLine()) {
            if (!line.trim().isEmpty()) {
                lines.add(line);
            }
        }
        return lines;
    }
}
