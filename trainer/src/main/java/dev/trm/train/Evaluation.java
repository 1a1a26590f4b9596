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
        int nSup = config.haltMaxSteps();
        int seq = config.seqLen();
        double[] exact = new double[nSup];
        double[] cell = new double[nSup];
        double[] blankRight = new double[nSup];
        long blankCells = 0;
        double qAcc = 0;
        double haltSum = 0;
        double exactHalt = 0;
        boolean gradMode = DjlOps.setGradMode(false);
        try {
            for (int start = 0; start < samples.size(); start += batch) {
                int b = Math.min(batch, samples.size() - start);
                List<PuzzleSamples.Sample> part = samples.subList(start, start + b);
                long[] tokens = new long[b * seq];
                long[] ids = new long[b];
                for (int i = 0; i < b; i++) {
                    PuzzleSamples.Sample s = part.get(i);
                    for (int k = 0; k < seq; k++) {
                        tokens[i * seq + k] = s.tokens()[k];
                        blankCells += s.blank()[k] ? 1 : 0;
                    }
                    ids[i] = s.puzzleId();
                }
                int[] haltStep = new int[b];
                boolean[] rightAtHalt = new boolean[b];
                try (NDManager sm = parent.newSubManager()) {
                    DjlOps ops = new DjlOps(tensors, constants, sm);
                    NDArray tok = TorchOwned.of(sm, tokens, new Shape(b, seq));
                    NDArray rows = step.puzzleRows(ops, TorchOwned.of(sm, ids, new Shape(b)));
                    Shape state = new Shape(b, config.workingLength(), config.hiddenSize());
                    NDArray y = ops.add(sm.zeros(state), tensors.get(TrmParameters.H_INIT));
                    NDArray z = ops.add(sm.zeros(state), tensors.get(TrmParameters.L_INIT));
                    for (int k = 0; k < nSup; k++) {
                        try (NDManager km = sm.newSubManager()) {
                            TrmStep.Outputs<NDArray> out = step.forward(new DjlOps(tensors, constants, km), tok, rows, y, z);
                            long[] pred = out.logits().argMax(-1).toLongArray();
                            float[] q = out.qHalt().toFloatArray();
                            for (int i = 0; i < b; i++) {
                                PuzzleSamples.Sample s = part.get(i);
                                int ok = 0;
                                int okBlank = 0;
                                int scored = 0;
                                for (int c = 0; c < seq; c++) {
                                    if (s.labels()[c] == 0) {
                                        continue; // PAD: the reference ignores these labels
                                    }
                                    scored++;
                                    boolean right = pred[i * seq + c] == s.labels()[c];
                                    ok += right ? 1 : 0;
                                    okBlank += right && s.blank()[c] ? 1 : 0;
                                }
                                boolean all = ok == scored;
                                exact[k] += all ? 1 : 0;
                                cell[k] += (double) ok / Math.max(1, scored);
                                blankRight[k] += okBlank;
                                if (haltStep[i] == 0 && (q[i] > 0 || k == nSup - 1)) {
                                    haltStep[i] = k + 1;
                                    rightAtHalt[i] = all;
                                }
                                if (k == nSup - 1) {
                                    qAcc += (q[i] >= 0) == all ? 1 : 0;
                                }
                            }
                            out.y().attach(sm);
                            out.z().attach(sm);
                            y = out.y();
                            z = out.z();
                        }
                    }
                }
                for (int i = 0; i < b; i++) {
                    haltSum += haltStep[i];
                    exactHalt += rightAtHalt[i] ? 1 : 0;
                }
            }
        } finally {
            DjlOps.setGradMode(gradMode);
        }
        int n = samples.size();
        for (int k = 0; k < nSup; k++) {
            exact[k] /= n;
            cell[k] /= n;
            blankRight[k] /= Math.max(1, blankCells);
        }
        return new Evaluation(n, exact, cell, blankRight, qAcc / n, haltSum / n, exactHalt / n);
    }
}
