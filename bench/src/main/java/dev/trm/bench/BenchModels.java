package dev.trm.bench;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.trm.data.PuzzleCsv;
import dev.trm.data.SudokuGenerator;
import dev.trm.export.StepExport;
import dev.trm.export.WeightEncoding;
import dev.trm.model.Presets;
import dev.trm.model.TrmConfig;
import dev.trm.model.TrmParameters;
import dev.trm.runtime.ModelLoader;
import dev.trm.runtime.TrmModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Models and puzzles for the benchmarks: seeded random weights per preset, or a trained file given by a property. */
final class BenchModels {
    /** System property naming a trained .onnx model for the solve benchmarks. */
    static final String MODEL_PROPERTY = "trm.bench.model";
    /** System property naming a CSV of puzzles for the solve benchmarks. */
    static final String PUZZLES_PROPERTY = "trm.bench.puzzles";

    private BenchModels() {
    }

    static Map<String, float[]> randomWeights(TrmConfig c) {
        return new TrmParameters(c).initialise(0);
    }

    static byte[] onnx(TrmConfig c, Map<String, float[]> values) {
        return StepExport.build(c, values, Map.of()).toByteArray();
    }

    /** The same step with the block matmuls in int8 ({@code trm export --quantize int8}). */
    static byte[] int8Onnx(TrmConfig c, Map<String, float[]> values) {
        return int8Onnx(c, values, WeightEncoding.INT8.activations());
    }

    /** The same step in int8 with the given activation scales ({@code --int8-activations}). */
    static byte[] int8Onnx(TrmConfig c, Map<String, float[]> values, WeightEncoding.ActivationScales activations) {
        return StepExport.build(c, values, Map.of(), WeightEncoding.INT8.withActivations(activations)).toByteArray();
    }

    /** A CPU session of ONNX Runtime with every graph optimization, as the runtime opens its models. */
    static OrtSession session(byte[] onnx) throws OrtException {
        return session(onnx, 0);
    }

    /** The same with {@code threads} intra-op threads (0: ONNX Runtime's default, one per core). */
    static OrtSession session(byte[] onnx, int threads) throws OrtException {
        try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
            opts.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            if (threads > 0) {
                opts.setIntraOpNumThreads(threads);
            }
            return ModelLoader.environment().createSession(onnx, opts);
        }
    }

    /** The trained model if the property names one, else random weights of the preset (solve benchmarks only). */
    static byte[] solveModel(String preset) throws IOException {
        String path = System.getProperty(MODEL_PROPERTY);
        if (path != null) {
            return Files.readAllBytes(Path.of(path));
        }
        return presetModel(preset);
    }

    /** The preset's ONNX step with seeded random weights (for timings that do not depend on the answers). */
    static byte[] presetModel(String preset) {
        TrmConfig c = Presets.get(preset);
        return onnx(c, randomWeights(c));
    }

    /** Sudoku puzzles: the 'question' column of the property's CSV, else generated hard-ish ones. */
    static List<String> puzzles(int n) {
        String path = System.getProperty(PUZZLES_PROPERTY);
        List<String> out = new ArrayList<>();
        if (path != null) {
            for (PuzzleCsv.Row r : PuzzleCsv.read(Path.of(path))) {
                if (out.size() == n) {
                    break;
                }
                out.add(r.question());
            }
            return out;
        }
        SudokuGenerator gen = new SudokuGenerator(1);
        for (int i = 0; i < n; i++) {
            out.add(gen.next(SudokuGenerator.Difficulty.givens(30, 40)).question().toLine());
        }
        return out;
    }
}
