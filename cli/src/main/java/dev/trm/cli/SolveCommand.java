package dev.trm.cli;

import dev.trm.task.sudoku.SudokuGrid;
import dev.trm.task.sudoku.SudokuSolver;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** Solves Sudoku puzzles. For now with the exact solver; the model runtime takes over in a later release. */
@Command(name = "solve", mixinStandardHelpOptions = true,
        description = "Solve Sudoku puzzles (81 characters, '.' or '0' for blanks) given as arguments or one per line on standard input.")
final class SolveCommand implements Callable<Integer> {
    @Parameters(arity = "0..*", paramLabel = "PUZZLE", description = "puzzles; none: read standard input")
    List<String> puzzles = new ArrayList<>();

    @Option(names = "--json", description = "one JSON object per puzzle, for scripts")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        List<String> input = puzzles.isEmpty() ? readStdin() : puzzles;
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

    private static List<String> readStdin() throws IOException {
        List<String> lines = new ArrayList<>();
        BufferedReader r = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line = r.readLine(); line != null; line = r.readLine()) {
            if (!line.trim().isEmpty()) {
                lines.add(line.trim());
            }
        }
        return lines;
    }
}
