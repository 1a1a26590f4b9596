package dev.trm.cli;

import dev.trm.plot.LinePlot;
import dev.trm.runtime.Scorecard;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** {@code trm eval --sweep PLOT}: the rows of a sweep's grid and the adaptive effort, and their plot of accuracy against compute. */
final class SweepPlot {
    private SweepPlot() {
    }

    /**
     * Evaluates every effort of the grid (the one-copy solve once per budget) and adaptive, prints a row for each and draws the plot.
     *
     * @param evaluate the table's row of an effort
     * @param set      what the puzzles are, for the title
     */
    static void run(PrintWriter out, Path plot, String policy, Scorecard.Sweep grid, Function<String, EvalCommand.Row> evaluate,
                    String set) throws IOException {
        List<LinePlot.Series> left = new ArrayList<>();
        List<LinePlot.Series> right = new ArrayList<>();
        Map<Integer, EvalCommand.Row> oneCopy = new HashMap<>(); // by budget: copy 0, which noise never touches, starts every series
        for (Scorecard.Sweep.Series series : grid.series()) {
            LinePlot.Series bySteps = new LinePlot.Series(series.name());
            LinePlot.Series byMs = new LinePlot.Series(series.name());
            for (int i = 0; i < series.efforts().size(); i++) {
                EvalCommand.Row r = i == 0 ? oneCopy.get(series.budget()) : null;
                if (r == null) {
                    r = evaluate.apply(series.efforts().get(i));
                    EvalCommand.print(out, r);
                    if (i == 0) {
                        oneCopy.put(series.budget(), r);
                    }
                }
                bySteps.add(r.score().meanSteps(), r.score().accuracy());
                byMs.add(r.msPerPuzzle(), r.score().accuracy());
            }
            left.add(bySteps);
            right.add(byMs);
        }
        EvalCommand.Row adaptive = evaluate.apply("adaptive");
        EvalCommand.print(out, adaptive);
        LinePlot.Series a = new LinePlot.Series("adaptive (1xN, 4x2N, 8x4N)");
        a.add(adaptive.score().meanSteps(), adaptive.score().accuracy());
        LinePlot.Series aMs = new LinePlot.Series(a.name());
        aMs.add(adaptive.msPerPuzzle(), adaptive.score().accuracy());
        left.add(a);
        right.add(aMs);
        LinePlot.write(plot, "exact accuracy against test-time compute (" + policy + ", " + set + ")",
                "mean steps per puzzle, all copies (left); ms per puzzle (right)", left, "exact accuracy", right, "exact accuracy");
        out.printf("wrote %s%n", plot);
        out.flush();
    }
}
