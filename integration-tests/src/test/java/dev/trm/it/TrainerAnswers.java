package dev.trm.it;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.trm.model.DjlOps;
import dev.trm.model.TrmConfig;
import dev.trm.model.TrmParameters;
import dev.trm.model.TrmStep;
import dev.trm.model.TrmWeights;
import dev.trm.task.sudoku.SudokuCodec;
import dev.trm.train.PuzzleSamples;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The trainer's arg-max answers after all N_sup steps, one puzzle at a time, and for each cell the
 * margin between its two largest logits (a near-tie can flip under fp32 rounding on either side).
 */
final class TrainerAnswers {
    private TrainerAnswers() {
    }

    /** Answers and per-cell top-2 logit margins. */
    record Answers(List<String> answers, List<float[]> margins) {
    }

    static Answers of(TrmConfig c, Map<String, float[]> values, List<PuzzleSamples.Sample> samples) {
        List<String> out = new ArrayList<>();
        List<float[]> margins = new ArrayList<>();
        TrmStep step = new TrmStep(c);
        boolean grad = DjlOps.setGradMode(false);
        try (NDManager m = NDManager.newBaseManager(Device.cpu());
             TrmWeights w = new TrmWeights(new TrmParameters(c), values, m, Device.cpu())) {
            for (PuzzleSamples.Sample s : samples) {
                try (NDManager sm = m.newSubManager()) {
                    long[] tok = new long[c.seqLen()];
                    for (int i = 0; i < tok.length; i++) {
                        tok[i] = s.tokens()[i];
                    }
                    NDArray tokens = sm.create(tok, new Shape(1, c.seqLen()));
                    Shape state = new Shape(1, c.workingLength(), c.hiddenSize());
                    NDArray y = sm.zeros(state).add(w.get(TrmParameters.H_INIT));
                    NDArray z = sm.zeros(state).add(w.get(TrmParameters.L_INIT));
                    NDArray rows = step.puzzleRows(w.ops(sm), sm.create(new long[1]));
                    NDArray logits = null;
                    for (int k = 0; k < c.haltMaxSteps(); k++) {
                        TrmStep.Outputs<NDArray> o = step.forward(w.ops(sm), tokens, rows, y, z);
                        y = o.y();
                        z = o.z();
                        logits = o.logits();
                    }
                    long[] pred = logits.argMax(-1).toLongArray();
                    float[] l = logits.toFloatArray();
                    int v = c.vocabSize();
                    float[] margin = new float[c.seqLen()];
                    for (int cell = 0; cell < margin.length; cell++) {
                        float best = Float.NEGATIVE_INFINITY;
                        float second = Float.NEGATIVE_INFINITY;
                        for (int k = 0; k < v; k++) {
                            float x = l[cell * v + k];
                            if (x > best) {
                                second = best;
                                best = x;
                            } else if (x > second) {
                                second = x;
                            }
                        }
                        margin[cell] = best - second;
                    }
                    margins.add(margin);
                    int[] p = new int[pred.length];
                    for (int i = 0; i < p.length; i++) {
                        p[i] = (int) pred[i];
                    }
                    out.add(SudokuCodec.INSTANCE.decode(p).toLine());
                }
            }
        } finally {
            DjlOps.setGradMode(grad);
        }
        return new Answers(out, margins);
    }
}
