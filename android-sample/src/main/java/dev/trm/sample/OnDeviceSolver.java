package dev.trm.sample;

import dev.trm.runtime.Effort;
import dev.trm.runtime.HaltPolicy;
import dev.trm.runtime.ModelInfo;
import dev.trm.runtime.Solution;
import dev.trm.runtime.TrmModel;
import dev.trm.task.TaskKind;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The app's use of the runtime: one Sudoku model, solving one puzzle at a time and recording the
 * answer after every supervision step. Plain Java, so it is tested on the JVM; the Activity calls
 * it from a worker thread.
 */
public final class OnDeviceSolver implements AutoCloseable {
    /** Stop a copy when the checker confirms its answer, or when the model's Q head says it is done. */
    public static final String POLICY = "verified+q-halt";
    /** The toolkit's default test-time compute: copies and more steps only for puzzles one copy does not verify. */
    public static final Effort NORMAL = Effort.adaptive();
    /**
     * "Think longer": the toolkit's effort for hard puzzles, {@link Effort#max()} (adaptive, then 32 copies for
     * 4 N_sup steps, 24 of them from a noisy latent): 95% of 17-clue puzzles against 78.5% with adaptive.
     */
    public static final Effort THINK_LONGER = Effort.max();

    private final TrmModel model;
    private final HaltPolicy policy = HaltPolicy.parse(POLICY);

    /** Takes ownership of {@code model}; it must be a Sudoku model. */
    public OnDeviceSolver(TrmModel model) {
        if (!TaskKind.SUDOKU.is(model.info().task())) {
            model.close();
            throw new IllegalArgumentException("the model solves " + model.info().task() + " puzzles, not Sudoku");
        }
        this.model = model;
    }

    /** One line about the model, for the screen. */
    public String describe() {
        ModelInfo i = model.info();
        return String.format(Locale.ROOT, "TRM %s, D=%d, T=%d, n=%d, up to %d steps, %s", i.variant(), i.hiddenSize(),
                i.hCycles(), i.lCycles(), i.haltMaxSteps(), model.provider());
    }

    /** The model's cap on supervision steps (N_sup). */
    public int maxSteps() {
        return model.info().haltMaxSteps();
    }

    /**
     * Solves one puzzle (81 characters, {@code .} or {@code 0} for blank).
     *
     * @throws dev.trm.runtime.InvalidPuzzleException when the text is not a consistent Sudoku
     */
    public SolveReport solve(String puzzle) {
        return solve(puzzle, false);
    }

    /**
     * Solves one puzzle with the default test-time compute, or more of it ({@code thinkLonger}). The
     * frames are the steps of the copy that gave the answer (copies other than the first see the puzzle
     * in another form; their answers are mapped back).
     */
    public SolveReport solve(String puzzle, boolean thinkLonger) {
        Map<Integer, List<SolveReport.Frame>> byCopy = new HashMap<>();
        long start = System.nanoTime();
        Solution s = model.solveAll(Collections.singletonList(puzzle), policy, thinkLonger ? THINK_LONGER : NORMAL, 1, state -> {
            List<SolveReport.Frame> frames = byCopy.computeIfAbsent(state.copy(), k -> new ArrayList<>());
            String before = frames.isEmpty() ? puzzle : frames.get(frames.size() - 1).answer();
            frames.add(new SolveReport.Frame(state.step(), state.answer(), state.haltProbability(), changed(before, state.answer())));
        }).get(0);
        return new SolveReport(puzzle, byCopy.get(s.copy()), s, (System.nanoTime() - start) / 1e6);
    }

    private static int changed(String before, String after) {
        int n = 0;
        for (int i = 0; i < after.length(); i++) {
            n += before.charAt(i) == after.charAt(i) ? 0 : 1;
        }
        return n;
    }

    @Override
    public void close() {
        model.close();
    }
}
