package dev.trm.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.trm.data.SudokuGenerator;
import dev.trm.export.Exporter;
import dev.trm.export.WeightEncoding;
import dev.trm.model.Presets;
import dev.trm.model.TrmConfig;
import dev.trm.model.TrmParameters;
import dev.trm.runtime.StepContract;
import dev.trm.task.sudoku.SudokuCodec;
import dev.trm.task.sudoku.SudokuGrid;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Batch invariance by construction: in a file the exporter writes today (every product has the
 * batch in its rows, every reduction is over the last axis), a row's outputs are the same bits alone as in the middle of a batch of three, on one
 * thread and on two, for both variants and for fp32 and int8; so the runtime runs a lone puzzle alone.
 */
class RowInvarianceTest {
    private static final int STEPS = 3;
    private static final int BATCH = 3;
    private static final int ROW = 1;

    @Test
    void aRowGetsTheSameBitsAloneAsInABatchInEveryExportedForm() throws Exception {
        for (String preset : List.of("sudoku-mlp-small", "sudoku-att-tiny")) {
            TrmConfig config = Presets.get(preset);
            Map<String, float[]> weights = new TrmParameters(config).initialise(5);
            for (WeightEncoding encoding : List.of(WeightEncoding.FP32, WeightEncoding.INT8)) {
                byte[] file = Exporter.export(config, weights, Map.of(), null, false, null, encoding).onnx();
                for (int threads = 1; threads <= 2; threads++) {
                    String where = preset + (encoding.int8() ? " int8" : " fp32") + ", " + threads + " thread(s)";
                    assertRowInvariant(config, file, threads, where);
                }
            }
        }
    }

    private static void assertRowInvariant(TrmConfig config, byte[] file, int threads, String where) throws OrtException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(threads);
            try (OrtSession session = env.createSession(file, options)) {
                long[][] tokens = new long[BATCH][];
                SudokuGenerator generator = new SudokuGenerator(7);
                for (int b = 0; b < BATCH; b++) {
                    tokens[b] = sudokuTokens(generator.next(SudokuGenerator.Difficulty.givens(25, 30)).question().toLine());
                }
                Map<String, float[]> alone = steps(env, session, config, new long[][] {tokens[ROW]});
                Map<String, float[]> batched = steps(env, session, config, tokens);
                assertEquals(metadataMark(session), StepContract.INVARIANT_ROWS, where + ": the file's mark");
                for (String output : alone.keySet()) {
                    float[] a = alone.get(output);
                    float[] inBatch = batched.get(output);
                    int n = a.length;
                    assertArrayEquals(bits(a), bits(Arrays.copyOfRange(inBatch, ROW * n, ROW * n + n)),
                            where + ": " + output + " after " + STEPS + " steps, alone vs row " + ROW + " of " + BATCH);
                }
            }
        }
    }

    private static String metadataMark(OrtSession session) throws OrtException {
        return session.getMetadata().getCustomMetadata().get(StepContract.BATCH_INVARIANT);
    }

    /** Runs {@link #STEPS} steps from a random y and z (seeded per row), feeding y and z back; the last step's outputs. */
    private static Map<String, float[]> steps(OrtEnvironment env, OrtSession session, TrmConfig config, long[][] tokens) throws OrtException {
        int rows = tokens.length;
        int state = config.workingLength() * config.hiddenSize();
        float[] y = new float[rows * state];
        float[] z = new float[rows * state];
        long[] flatTokens = new long[rows * config.seqLen()];
        for (int r = 0; r < rows; r++) {
            Random random = new Random(Arrays.hashCode(tokens[r]));
            for (int i = 0; i < state; i++) {
                y[r * state + i] = (float) random.nextGaussian();
                z[r * state + i] = (float) random.nextGaussian();
            }
            System.arraycopy(tokens[r], 0, flatTokens, r * config.seqLen(), config.seqLen());
        }
        long[] stateShape = {rows, config.workingLength(), config.hiddenSize()};
        Map<String, float[]> last = new HashMap<>();
        for (int step = 0; step < STEPS; step++) {
            Map<String, OnnxTensor> inputs = new HashMap<>();
            try {
                inputs.put(StepContract.IN_TOKENS, OnnxTensor.createTensor(env, LongBuffer.wrap(flatTokens), new long[] {rows, config.seqLen()}));
                inputs.put(StepContract.IN_PUZZLE_IDS, OnnxTensor.createTensor(env, LongBuffer.wrap(new long[rows]), new long[] {rows}));
                inputs.put(StepContract.IN_Y, OnnxTensor.createTensor(env, FloatBuffer.wrap(y), stateShape));
                inputs.put(StepContract.IN_Z, OnnxTensor.createTensor(env, FloatBuffer.wrap(z), stateShape));
                try (OrtSession.Result result = session.run(inputs)) {
                    for (String output : List.of(StepContract.OUT_Y, StepContract.OUT_Z, StepContract.OUT_LOGITS, StepContract.OUT_Q_HALT,
                            StepContract.OUT_Q_CONTINUE)) {
                        last.put(output, floats((OnnxTensor) result.get(output).orElseThrow()));
                    }
                }
            } finally {
                inputs.values().forEach(OnnxTensor::close);
            }
            y = last.get(StepContract.OUT_Y);
            z = last.get(StepContract.OUT_Z);
        }
        return last;
    }

    private static float[] floats(OnnxTensor t) {
        FloatBuffer b = t.getFloatBuffer();
        float[] out = new float[b.remaining()];
        b.get(out);
        return out;
    }

    private static int[] bits(float[] v) {
        int[] out = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = Float.floatToRawIntBits(v[i]);
        }
        return out;
    }

    private static long[] sudokuTokens(String line) {
        return Arrays.stream(SudokuCodec.INSTANCE.encode(SudokuGrid.parse(line))).asLongStream().toArray();
    }
}
