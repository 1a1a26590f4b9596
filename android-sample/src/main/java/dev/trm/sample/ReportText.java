package dev.trm.sample;

import dev.trm.task.sudoku.SudokuChecker;
import dev.trm.task.sudoku.SudokuGrid;
import java.util.Locale;

/** The words the app shows for a solve; pure functions, tested on the JVM. */
public final class ReportText {
    private ReportText() {
    }

    /** One sentence: solved or not, steps, time, why it stopped, and what is wrong with a failed answer. */
    public static String summary(SolveReport r, int maxSteps) {
        String stopped = String.format(Locale.ROOT, "stopped by %s, halt probability %.3f", r.solution().haltReason(),
                lastHaltProbability(r));
        int copies = r.solution().copies();
        String how = copies == 1
                ? String.format(Locale.ROOT, "in %d of %d steps", r.steps(), maxSteps)
                : String.format(Locale.ROOT, "after thinking longer (%d copies, %d steps in all; the answer's copy took %d)", copies,
                        r.solution().totalSteps(), r.steps());
        if (r.verified()) {
            return String.format(Locale.ROOT, "Solved and verified %s, %.0f ms (%s).", how, r.millis(), stopped);
        }
        String why = SudokuChecker.problem(SudokuGrid.parse(r.puzzle()), SudokuGrid.parse(r.answer()));
        return String.format(Locale.ROOT, "Not solved %s, %.0f ms (%s): the answer fails the check: %s.", how, r.millis(),
                stopped, why);
    }

    /** The thinking, one line a step: halt probability and how many cells the step changed. */
    public static String thinking(SolveReport r) {
        StringBuilder s = new StringBuilder();
        for (SolveReport.Frame f : r.frames()) {
            s.append(frameLine(f)).append('\n');
        }
        return s.toString();
    }

    public static String frameLine(SolveReport.Frame f) {
        return String.format(Locale.ROOT, "step %2d   halt %.3f   %2d cells changed", f.step(), f.haltProbability(), f.changedCells());
    }

    private static float lastHaltProbability(SolveReport r) {
        float[] p = r.solution().haltProbabilities();
        return p.length == 0 ? 0f : p[p.length - 1];
    }
}
