package dev.trm.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import dev.trm.model.TrmConfig;
import dev.trm.runtime.StepContract;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;

/**
 * Seeded random inputs of one supervision step: tokens of the task's vocabulary (never PAD) and a
 * Gaussian (y, z) state, the same for every benchmark that times a step.
 *
 * @param tokens     [batch, S] token ids
 * @param state      [batch, L, D] values used for both y and z
 * @param tokenShape {batch, S}
 * @param stateShape {batch, L, D}
 */
record StepInputs(long[] tokens, float[] state, long[] tokenShape, long[] stateShape) {
    private static final long SEED = 0;

    static StepInputs random(TrmConfig c, int batch) {
        Random rng = new Random(SEED);
        long[] tokens = new long[batch * c.seqLen()];
        for (int i = 0; i < tokens.length; i++) {
            tokens[i] = 1 + rng.nextInt(c.vocabSize() - 1);
        }
        float[] state = new float[batch * c.workingLength() * c.hiddenSize()];
        for (int i = 0; i < state.length; i++) {
            state[i] = (float) rng.nextGaussian();
        }
        return new StepInputs(tokens, state, new long[] {batch, c.seqLen()}, new long[] {batch, c.workingLength(), c.hiddenSize()});
    }

    int batch() {
        return (int) tokenShape[0];
    }

    /** The step's ONNX inputs (puzzle id 0 for every row); the caller closes the tensors. */
    Map<String, OnnxTensor> onnx(OrtEnvironment env) throws OrtException {
        Map<String, OnnxTensor> in = new HashMap<>();
        try {
            in.put(StepContract.IN_TOKENS, OnnxTensor.createTensor(env, StepBenchmark.direct(tokens), tokenShape));
            in.put(StepContract.IN_PUZZLE_IDS, OnnxTensor.createTensor(env, StepBenchmark.direct(new long[batch()]), new long[] {batch()}));
            in.put(StepContract.IN_Y, OnnxTensor.createTensor(env, StepBenchmark.direct(state), stateShape));
            in.put(StepContract.IN_Z, OnnxTensor.createTensor(env, StepBenchmark.direct(state), stateShape));
            return in;
        } catch (OrtException | RuntimeException e) {
            in.values().forEach(OnnxTensor::close);
            throw e;
        }
    }
}
