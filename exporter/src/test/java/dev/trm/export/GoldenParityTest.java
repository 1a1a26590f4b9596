package dev.trm.export;

import dev.trm.runtime.TrmModel;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trm.io.SafeTensors;
import dev.trm.model.DjlOps;
import dev.trm.model.Presets;
import dev.trm.model.TrmConfig;
import dev.trm.model.TrmParameters;
import dev.trm.model.TrmStep;
import dev.trm.model.TrmWeights;
import dev.trm.model.Variant;
import dev.trm.task.sudoku.SudokuCodec;
import dev.trm.task.sudoku.SudokuGrid;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The step against code this project did not write: {@code shared/golden} holds tiny TRM weights
 * under the official keys and what an independent PyTorch implementation of the reference step
 * computes from them. The weights load through the official safetensors import; the trainer's
 * step (DJL) and the exported step (ONNX Runtime) each run one step at a time from the expected
 * state, and every output of every step must match to a relative error of 1e-4 (about 1e-6 is
 * expected).
 */
class GoldenParityTest {
    static final double BOUND = 1e-4;
    static final String[] OUTPUTS = {"y", "z", "logits", "q_halt", "q_continue"};

    static Path golden() {
        return Path.of(System.getProperty("trm.data.dir", "../shared/data")).resolveSibling("golden");
    }

    @ParameterizedTest
    @ValueSource(strings = {"sudoku-mlp-tiny", "sudoku-att-tiny"})
    void trainerAndExportedStepMatchAnIndependentImplementation(String preset) throws Exception {
        JsonNode spec = new ObjectMapper().readTree(golden().resolve(preset + ".json").toFile());
        TrmConfig preset0 = Presets.get(preset);
        assertEquals(spec.path("D").asInt(), preset0.hiddenSize());
        assertEquals(spec.path("heads").asInt(), preset0.heads());
        assertEquals(spec.path("T").asInt(), preset0.hCycles());
        assertEquals(spec.path("n").asInt(), preset0.lCycles());
        assertEquals(spec.path("N_sup").asInt(), preset0.haltMaxSteps());
        assertEquals(spec.path("mlp_t").asBoolean(), preset0.variant() == Variant.MLP);
        OfficialWeights.Weights w = OfficialWeights.read(golden().resolve(preset + ".weights.safetensors"), preset0);
        TrmConfig c = w.config();
        Map<String, float[]> values = w.values();
        Path expectedFile = golden().resolve(preset + ".expected.safetensors");
        Map<String, SafeTensors.Tensor> expected = SafeTensors.read(Files.readAllBytes(expectedFile), expectedFile.toString()).tensors();

        int batch = spec.path("puzzles").size();
        long[] tokens = new long[batch * c.seqLen()];
        for (int i = 0; i < batch; i++) {
            int[] t = SudokuCodec.INSTANCE.encode(SudokuGrid.parse(spec.path("puzzles").get(i).asText()));
            for (int k = 0; k < t.length; k++) {
                tokens[i * c.seqLen() + k] = t[k];
            }
        }
        long[] ids = new long[batch];
        int rows = batch * c.workingLength();
        byte[] onnx = StepExport.build(c, values, Map.of()).toByteArray();
        TrmStep step = new TrmStep(c);
        boolean gradMode = DjlOps.setGradMode(false);
        try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions();
             OrtSession session = TrmModel.environment().createSession(onnx, opts);
             NDManager m = NDManager.newBaseManager(Device.cpu());
             TrmWeights weights = new TrmWeights(new TrmParameters(c), values, m, Device.cpu())) {
            NDArray tok = m.create(tokens, new Shape(batch, c.seqLen()));
            NDArray idArray = m.create(ids, new Shape(batch));
            Shape state = new Shape(batch, c.workingLength(), c.hiddenSize());
            for (int k = 0; k < c.haltMaxSteps(); k++) {
                float[] y = k == 0 ? StepVerifier.broadcast(values.get(TrmParameters.H_INIT), rows) : expected.get("step" + (k - 1) + ".y").floats();
                float[] z = k == 0 ? StepVerifier.broadcast(values.get(TrmParameters.L_INIT), rows) : expected.get("step" + (k - 1) + ".z").floats();
                float[][] trainer;
                try (NDManager sm = m.newSubManager()) {
                    TrmStep.Outputs<NDArray> out = step.forward(weights.ops(sm), tok, step.puzzleRows(weights.ops(sm), idArray),
                            sm.create(y, state), sm.create(z, state));
                    trainer = new float[][] {out.y().toFloatArray(), out.z().toFloatArray(), out.logits().toFloatArray(),
                        out.qHalt().toFloatArray(), out.qContinue().toFloatArray()};
                }
                float[][] exported = StepVerifier.run(TrmModel.environment(), session, c, tokens, ids, y, z);
                for (int o = 0; o < OUTPUTS.length; o++) {
                    float[] want = expected.get("step" + k + "." + OUTPUTS[o]).floats();
                    double dj = StepVerifier.relativeError(trainer[o], want);
                    double ox = StepVerifier.relativeError(exported[o], want);
                    assertTrue(dj < BOUND, preset + " step " + k + " " + OUTPUTS[o] + ": trainer relative error " + dj);
                    assertTrue(ox < BOUND, preset + " step " + k + " " + OUTPUTS[o] + ": exported relative error " + ox);
                }
            }
        } finally {
            DjlOps.setGradMode(gradMode);
        }
    }
}
