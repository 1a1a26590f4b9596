package dev.trm.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.onnxruntime.OrtSession;
import dev.trm.io.SafeTensors;
import dev.trm.model.DjlOps;
import dev.trm.model.TrmConfig;
import dev.trm.model.TrmParameters;
import dev.trm.model.TrmStep;
import dev.trm.model.TrmWeights;
import dev.trm.runtime.ModelLoader;
import dev.trm.runtime.StepContract;
import dev.trm.runtime.TrmModel;
import java.util.Map;

/**
 * The trainer's step (DJL) and the exported step (ONNX Runtime) against a reference's outputs: each
 * step starts from the reference's previous y and z (the first from H_init and L_init), and every
 * output must match to a relative error of {@link #BOUND}, with the same answer in every cell.
 */
final class ReferenceSteps {
    static final double BOUND = 1e-4;
    static final String[] OUTPUTS = {"y", "z", "logits", "q_halt", "q_continue"};
    private static final int LOGITS = 2;

    private ReferenceSteps() {
    }

    /**
     * @param expected the reference's outputs as {@code step<k>.<output>} for k from {@code first} to {@code last}
     */
    static void assertMatch(String what, TrmConfig c, Map<String, float[]> values, long[] tokens, long[] ids,
                            Map<String, SafeTensors.Tensor> expected, int first, int last) throws Exception {
        int batch = ids.length;
        int rows = batch * c.workingLength();
        byte[] onnx = StepExport.build(c, values, Map.of()).toByteArray();
        TrmStep step = new TrmStep(c);
        boolean gradMode = DjlOps.setGradMode(false);
        try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions();
             OrtSession session = ModelLoader.environment().createSession(onnx, opts);
             NDManager m = NDManager.newBaseManager(Device.cpu());
             TrmWeights weights = new TrmWeights(new TrmParameters(c), values, m, Device.cpu())) {
            NDArray tok = m.create(tokens, new Shape(batch, c.seqLen()));
            NDArray idArray = m.create(ids, new Shape(batch));
            Shape state = new Shape(batch, c.workingLength(), c.hiddenSize());
            for (int k = first; k <= last; k++) {
                float[] y = k == first ? StepVerifier.broadcast(values.get(TrmParameters.H_INIT), rows)
                        : expected.get("step" + (k - 1) + ".y").floats();
                float[] z = k == first ? StepVerifier.broadcast(values.get(TrmParameters.L_INIT), rows)
                        : expected.get("step" + (k - 1) + ".z").floats();
                float[][] trainer;
                try (NDManager sm = m.newSubManager()) {
                    TrmStep.Outputs<NDArray> out = step.forward(weights.ops(sm), tok, step.puzzleRows(weights.ops(sm), idArray),
                            sm.create(y, state), sm.create(z, state));
                    trainer = new float[][] {out.y().toFloatArray(), out.z().toFloatArray(), out.logits().toFloatArray(),
                        out.qHalt().toFloatArray(), out.qContinue().toFloatArray()};
                }
                float[][] exported = StepVerifier.run(ModelLoader.environment(), session, c, tokens, ids, y, z);
                for (int o = 0; o < OUTPUTS.length; o++) {
                    float[] want = expected.get("step" + k + "." + OUTPUTS[o]).floats();
                    String at = what + " step " + k + " " + OUTPUTS[o];
                    double dj = StepVerifier.relativeError(trainer[o], want);
                    double ox = StepVerifier.relativeError(exported[o], want);
                    assertTrue(dj < BOUND, at + ": trainer relative error " + dj);
                    assertTrue(ox < BOUND, at + ": exported relative error " + ox);
                }
                float[] wantLogits = expected.get("step" + k + ".logits").floats();
                assertEquals(0, argmaxDifferences(exported[LOGITS], wantLogits, c.vocabSize()), what + " step " + k + ": answers differ");
            }
        } finally {
            DjlOps.setGradMode(gradMode);
        }
    }

    private static int argmaxDifferences(float[] a, float[] b, int vocab) {
        int differ = 0;
        for (int cell = 0; cell < a.length / vocab; cell++) {
            if (StepContract.argmax(a, cell * vocab, vocab) != StepContract.argmax(b, cell * vocab, vocab)) {
                differ++;
            }
        }
        return differ;
    }
}
