package dev.trm.export;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.trm.model.DjlOps;
import dev.trm.model.TrmConfig;
import dev.trm.model.TrmParameters;
import dev.trm.model.TrmStep;
import dev.trm.model.TrmWeights;
import dev.trm.runtime.ModelLoader;
import dev.trm.runtime.StepContract;
import dev.trm.runtime.TrmModel;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs the trainer's DJL step and the exported ONNX step side by side for all N_sup steps:
 * <ul>
 *   <li><b>one-step parity</b> (pass/fail): at every step both start from the trainer's (y, z);
 *       the relative error ||a - b|| / ||b|| of y', z', logits and q_halt must stay under the tolerance;</li>
 *   <li><b>free running</b> (reported): each side feeds itself its own outputs; per step the
 *       relative errors, whether the arg-max answers agree and whether the halting decisions agree.</li>
 * </ul>
 */
public final class StepVerifier {
    /** The pass/fail bound on one-step relative error in fp32. */
    public static final double TOLERANCE = 1e-4;

    /** One supervision step's comparison. Errors are {y, z, logits, q_halt}. */
    public record StepReport(int step, double[] oneStepError, double[] freeRunningError, double answersAgree,
                             double haltingAgrees) {
    }

    /** The whole comparison. */
    public record Report(int puzzles, List<StepReport> steps, double maxOneStepError, double tolerance) {
        public boolean passed() {
            return maxOneStepError < tolerance;
        }

        public String table() {
            StringBuilder sb = new StringBuilder();
            sb.append(String.format("%-5s %-34s %-34s %-8s %-8s%n", "step", "one-step rel. error y/z/logits/q",
                    "free-running rel. error y/z/logits/q", "answers", "halting"));
            for (StepReport s : steps) {
                sb.append(String.format("%-5d %-34s %-34s %-8s %-8s%n", s.step(), errors(s.oneStepError()),
                        errors(s.freeRunningError()), String.format("%.0f%%", 100 * s.answersAgree()),
                        String.format("%.0f%%", 100 * s.haltingAgrees())));
            }
            sb.append(String.format("one-step parity: max relative error %.2e over %d puzzles x %d steps (bound %.0e): %s%n",
                    maxOneStepError, puzzles, steps.size(), tolerance, passed() ? "PASS" : "FAIL"));
            return sb.toString();
        }

        private static String errors(double[] e) {
            return String.format("%.1e %.1e %.1e %.1e", e[0], e[1], e[2], e[3]);
        }
    }

    private StepVerifier() {
    }

    /**
     * @param onnx   the exported model
     * @param tokens int64 [batch * S] puzzles of the model's task
     * @param ids    int64 [batch] puzzle ids
     */
    public static Report verify(TrmConfig c, Map<String, float[]> values, byte[] onnx, long[] tokens, long[] ids)
            throws OrtException {
        int batch = ids.length;
        int len = c.workingLength();
        int d = c.hiddenSize();
        float[] y = broadcast(values.get(TrmParameters.H_INIT), batch * len);
        float[] z = broadcast(values.get(TrmParameters.L_INIT), batch * len);
        float[] yFree = y.clone();
        float[] zFree = z.clone();
        List<StepReport> steps = new ArrayList<>();
        double worst = 0;
        TrmStep step = new TrmStep(c);
        OrtEnvironment env = ModelLoader.environment();
        boolean gradMode = DjlOps.setGradMode(false);
        try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions();
             OrtSession session = env.createSession(onnx, opts);
             NDManager m = NDManager.newBaseManager(Device.cpu());
             TrmWeights w = new TrmWeights(new TrmParameters(c), values, m, Device.cpu())) {
            NDArray tok = m.create(tokens, new Shape(batch, c.seqLen()));
            NDArray idArray = m.create(ids, new Shape(batch));
            for (int k = 1; k <= c.haltMaxSteps(); k++) {
                float[][] ref;
                try (NDManager sm = m.newSubManager()) {
                    TrmStep.Outputs<NDArray> out = step.forward(w.ops(sm), tok, step.puzzleRows(w.ops(sm), idArray),
                            sm.create(y, new Shape(batch, len, d)), sm.create(z, new Shape(batch, len, d)));
                    ref = new float[][] {out.y().toFloatArray(), out.z().toFloatArray(), out.logits().toFloatArray(),
                        out.qHalt().toFloatArray()};
                }
                float[][] one = run(env, session, c, tokens, ids, y, z);
                float[][] free = run(env, session, c, tokens, ids, yFree, zFree);
                double[] oneErr = new double[4];
                double[] freeErr = new double[4];
                for (int i = 0; i < 4; i++) {
                    oneErr[i] = relativeError(one[i], ref[i]);
                    freeErr[i] = relativeError(free[i], ref[i]);
                    worst = Math.max(worst, oneErr[i]);
                }
                steps.add(new StepReport(k, oneErr, freeErr, agreeingAnswers(free[2], ref[2], batch, c),
                        agreeingHalts(free[3], ref[3])));
                y = ref[0];
                z = ref[1];
                yFree = free[0];
                zFree = free[1];
            }
        } finally {
            DjlOps.setGradMode(gradMode);
        }
        return new Report(batch, steps, worst, TOLERANCE);
    }

    /** Runs the ONNX step once: {y', z', logits, q_halt, q_continue}. */
    static float[][] run(OrtEnvironment env, OrtSession session, TrmConfig c, long[] tokens, long[] ids, float[] y, float[] z)
            throws OrtException {
        int batch = ids.length;
        long[] state = {batch, c.workingLength(), c.hiddenSize()};
        Map<String, OnnxTensor> inputs = new HashMap<>();
        try {
            inputs.put(StepContract.IN_TOKENS, OnnxTensor.createTensor(env, LongBuffer.wrap(tokens), new long[] {batch, c.seqLen()}));
            inputs.put(StepContract.IN_PUZZLE_IDS, OnnxTensor.createTensor(env, LongBuffer.wrap(ids), new long[] {batch}));
            inputs.put(StepContract.IN_Y, OnnxTensor.createTensor(env, FloatBuffer.wrap(y), state));
            inputs.put(StepContract.IN_Z, OnnxTensor.createTensor(env, FloatBuffer.wrap(z), state));
            try (OrtSession.Result r = session.run(inputs)) {
                return new float[][] {floats(r, StepContract.OUT_Y), floats(r, StepContract.OUT_Z),
                    floats(r, StepContract.OUT_LOGITS), floats(r, StepContract.OUT_Q_HALT), floats(r, StepContract.OUT_Q_CONTINUE)};
            }
        } finally {
            inputs.values().forEach(OnnxTensor::close);
        }
    }

    private static float[] floats(OrtSession.Result r, String name) {
        OnnxTensor t = (OnnxTensor) r.get(name).orElseThrow(() -> new IllegalStateException("no output " + name));
        FloatBuffer b = t.getFloatBuffer();
        float[] out = new float[b.remaining()];
        b.get(out);
        return out;
    }

    static float[] broadcast(float[] vector, int rows) {
        float[] out = new float[rows * vector.length];
        for (int r = 0; r < rows; r++) {
            System.arraycopy(vector, 0, out, r * vector.length, vector.length);
        }
        return out;
    }

    /** ||a - b|| / ||b|| over the whole tensor (0 when both are zero). */
    public static double relativeError(float[] a, float[] b) {
        double diff = 0;
        double norm = 0;
        for (int i = 0; i < b.length; i++) {
            double d = (double) a[i] - b[i];
            diff += d * d;
            norm += (double) b[i] * b[i];
        }
        return norm == 0 ? Math.sqrt(diff) : Math.sqrt(diff / norm);
    }

    private static double agreeingAnswers(float[] a, float[] b, int batch, TrmConfig c) {
        int agree = 0;
        int seq = c.seqLen();
        int v = c.vocabSize();
        for (int i = 0; i < batch; i++) {
            boolean same = true;
            for (int s = 0; s < seq && same; s++) {
                same = StepContract.argmax(a, (i * seq + s) * v, v) == StepContract.argmax(b, (i * seq + s) * v, v);
            }
            agree += same ? 1 : 0;
        }
        return (double) agree / batch;
    }

    private static double agreeingHalts(float[] a, float[] b) {
        int agree = 0;
        for (int i = 0; i < a.length; i++) {
            agree += (a[i] > 0) == (b[i] > 0) ? 1 : 0;
        }
        return (double) agree / a.length;
    }
}
