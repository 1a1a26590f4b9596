package dev.trm.export;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.trm.data.SharedData;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trm.io.SafeTensors;
import dev.trm.model.Presets;
import dev.trm.model.TrmConfig;
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

    static Path golden() {
        return SharedData.dir().resolveSibling("golden");
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
        ReferenceSteps.assertMatch(preset, c, values, tokens, new long[batch], expected, 0, c.haltMaxSteps() - 1);
    }
}
