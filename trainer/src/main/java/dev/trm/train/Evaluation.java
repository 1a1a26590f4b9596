package dev.trm.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.trm.model.DjlOps;
import dev.trm.model.TorchOwned;
import dev.trm.model.TrmConfig;
import dev.trm.model.TrmParameters;
import dev.trm.model.TrmStep;
import java.util.List;
import java.util.Map;

/**
 * The reference evaluation: every puzzle runs all N_sup supervision steps from y_init/z_init (no
 * halting), and the last step's arg-max answer is scored. Also records the accuracy after every
 * step (does the recursion help?) and where the Q head would have halted.
 *
 * @param puzzles          puzzles evaluated
 * @param exactByStep      fraction entirely right after step k+1
 * @param cellByStep       fraction of all cells right after step k+1 (the reference "accuracy")
 * @param blankByStep      fraction of blank (open) cells right after step k+1
 * @param qHaltAccuracy    fraction where (q_halt >= 0 at the last step) matches being right
 * @param meanHaltStep     mean first step with q_halt > 0 (N_sup when never)
 * @param exactAtHalt      fraction right at that step (the q-halt policy's accuracy)
 */
public record Evaluation(int puzzles, double[] exactByStep, double[] cellByStep, double[] blankByStep,
                         double qHaltAccuracy, double meanHaltStep, double exactAtHalt) {

    public double exact() {
        return exactByStep[exactByStep.length - 1];
    }

    public double cellAccuracy() {
        return cellByStep[cellByStep.length - 1];
    }

    public double blankAccuracy() {
        return blankByStep[blankByStep.length - 1];
    }

    /** Evaluates {@code samples} with the given tensors (usually the EMA view), {@code batch} at a time. */
    public static Evaluation run(TrmConfig config, Map<String, NDArray> tensors, Map<String, NDArray> constants,
                                 List<PuzzleSamples.Sample> samples, int batch, NDManager parent) {
        TrmStep step = new TrmStep(config);
        Tally tally = new Tally(config.haltMaxSteps());
        boolean gradMode = DjlOps.setGradMode(false);
        try {
            for (int start = 0; start < samples.size(); start += batch) {
                List<PuzzleSamples.Sample> part = samples.subList(start, Math.min(samples.size(), start + batch));
                try (NDManager sm = parent.newSubManager()) {
                    runBatch(config, step, tensors, constants, part, tally, sm);
                }
            }
        } finally {
            DjlOps.setGradMode(gradMode);
        }
        return tally.result(samples.size());
    }

    /** All N_sup steps of one batch, each step's predictions scored. */
    private static void runBatch(TrmConfig config, TrmStep step, Map<String, NDArray> tensors, Map<String, NDArray> constants,
                                 List<PuzzleSamples.Sample> part, Tally tally, NDManager sm) {
        int b = part.size();
        int seq = config.seqLen();
        long[] tokens = PuzzleSamples.tokens(part);
        long[] ids = PuzzleSamples.puzzleIds(part);
        part.forEach(tally::countBlanks);
        DjlOps ops = new DjlOps(tensors, constants, sm);
        NDArray tok = TorchOwned.of(sm, tokens, new Shape(b, seq));
        NDArray rows = step.puzzleRows(ops, TorchOwned.of(sm, ids, new Shape(b)));
        Shape state = new Shape(b, config.workingLength(), config.hiddenSize());
        NDArray y = ops.add(sm.zeros(state), tensors.get(TrmParameters.H_INIT));
        NDArray z = ops.add(sm.zeros(state), tensors.get(TrmParameters.L_INIT));
        int[] haltStep = new int[b];
        for (int k = 0; k < config.haltMaxSteps(); k++) {
            try (NDManager km = sm.newSubManager()) {
                TrmStep.Outputs<NDArray> out = step.forward(new DjlOps(tensors, constants, km), tok, rows, y, z);
                long[] pred = out.logits().argMax(-1).toLongArray();
                float[] q = out.qHalt().toFloatArray();
                for (int i = 0; i < b; i++) {
                    tally.score(k, part.get(i), pred, i * seq, q[i], haltStep, i);
                }
                out.y().attach(sm);
                out.z().attach(sm);
                y = out.y();
                z = out.z();
            }
        }
    }

    /** Running sums over the evaluated puzzles, per supervision step and at each puzzle's halt. */
    private static final class Tally {
        final int nSup;
        final double[] exact;
        final double[] cell;
        final double[] blankRight;
        long blankCells;
        double qAcc;
        double haltSum;
        double exactHalt;

        Tally(int nSup) {
            this.nSup = nSup;
            this.exact = new double[nSup];
            this.cell = new double[nSup];
            this.blankRight = new double[nSup];
        }

        void countBlanks(PuzzleSamples.Sample s) {
            for (boolean blank : s.blank()) {
                blankCells += blank ? 1 : 0;
            }
        }

        /**
         * Scores one puzzle's prediction after step {@code k} (0-based): cells right, all right, blanks
         * right; the first step whose q_halt is positive (or the last) is its halt.
         */
        void score(int k, PuzzleSamples.Sample s, long[] pred, int from, float q, int[] haltStep, int row) {
            int ok = 0;
            int okBlank = 0;
            int scored = 0;
            for (int c = 0; c < s.labels().length; c++) {
                if (s.labels()[c] == 0) {
                    continue; // PAD: the reference ignores these labels
                }
                scored++;
                boolean right = pred[from + c] == s.labels()[c];
                ok += right ? 1 : 0;
                okBlank += right && s.blank()[c] ? 1 : 0;
            }
            boolean all = ok == scored;
            exact[k] += all ? 1 : 0;
            cell[k] += (double) ok / Math.max(1, scored);
            blankRight[k] += okBlank;
            if (haltStep[row] == 0 && (q > 0 || k == nSup - 1)) {
                haltStep[row] = k + 1;
                haltSum += k + 1;
                exactHalt += all ? 1 : 0;
            }
            if (k == nSup - 1) {
                qAcc += (q >= 0) == all ? 1 : 0;
            }
        }

        Evaluation result(int n) {
            for (int k = 0; k < nSup; k++) {
                exact[k] /= n;
                cell[k] /= n;
                blankRight[k] /= Math.max(1, blankCells);
            }
            return new Evaluation(n, exact, cell, blankRight, qAcc / n, haltSum / n, exactHalt / n);
        }
    }
}
