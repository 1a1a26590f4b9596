package dev.trm.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trm.export.WeightEncoding;
import dev.trm.model.TrmConfig;
import dev.trm.runtime.ModelLoader;
import dev.trm.runtime.TrmModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Where a step's time goes inside ONNX Runtime: its profiler's kernel times summed by operator type,
 * per step. The integer-matmul question it answers: how much faster are the int8 kernels than the
 * fp32 {@code MatMul} they replace, and how much of the step is everything else.
 */
public final class OnnxProfile {
    /** Operator types that multiply matrices, fp32 or integer (after ONNX Runtime's fusions). */
    public static final Set<String> MATMULS = Set.of("MatMul", "MatMulInteger", "MatMulIntegerToFloat", "DynamicQuantizeMatMul",
            "FusedMatMul", "Gemm");
    /** Untimed steps before the profiled ones: the first runs allocate and pack weights. */
    private static final int WARMUP_RUNS = 3;
    private static final String KERNEL_TIME = "_kernel_time";

    /** Milliseconds per step by operator type, and their sum. */
    public record ByOperator(Map<String, Double> ms) {
        public double total() {
            return ms.values().stream().mapToDouble(Double::doubleValue).sum();
        }

        public double matmul() {
            return ms.entrySet().stream().filter(e -> MATMULS.contains(e.getKey())).mapToDouble(Map.Entry::getValue).sum();
        }

        public double rest() {
            return total() - matmul();
        }
    }

    /** The same seeded random weights profiled as the fp32 step and as its int8 export. */
    public record Int8VsFp32(ByOperator fp32, ByOperator int8) {
        /** The int8 step's speed-up if it added no work besides its matmuls: fp32 step / (fp32 rest + int8 matmuls). */
        public double bound() {
            return fp32.total() / (fp32.rest() + int8.matmul());
        }
    }

    private OnnxProfile() {
    }

    /** Profiles the preset's step (seeded random weights) in fp32 and in int8 at one batch size. */
    public static Int8VsFp32 int8VsFp32(TrmConfig c, WeightEncoding.ActivationScales activations, int batch, int runs)
            throws OrtException, IOException {
        Map<String, float[]> values = BenchModels.randomWeights(c);
        return new Int8VsFp32(measure(c, BenchModels.onnx(c, values), batch, runs),
                measure(c, BenchModels.int8Onnx(c, values, activations), batch, runs));
    }

    /** Profiles {@code runs} steps of the model at {@code batch} (seeded random inputs) in a CPU session with every optimization. */
    public static ByOperator measure(TrmConfig c, byte[] onnx, int batch, int runs) throws OrtException, IOException {
        Path dir = Files.createTempDirectory("trm-profile");
        try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
            opts.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            opts.enableProfiling(dir.resolve("ort").toString());
            Path trace;
            try (OrtSession s = ModelLoader.environment().createSession(onnx, opts)) {
                Map<String, OnnxTensor> in = StepInputs.random(c, batch).onnx(ModelLoader.environment());
                try {
                    for (int i = 0; i < WARMUP_RUNS + runs; i++) {
                        s.run(in).close();
                    }
                } finally {
                    in.values().forEach(OnnxTensor::close);
                }
                trace = Path.of(s.endProfiling());
            }
            return byOperator(trace, WARMUP_RUNS + runs, runs);
        } finally {
            try (var files = Files.list(dir)) {
                for (Path f : (Iterable<Path>) files::iterator) {
                    Files.delete(f);
                }
            }
            Files.delete(dir);
        }
    }

    /**
     * Kernel times of the trace's last {@code kept} of {@code total} runs, by operator type, per run.
     * A run's "model_run" event comes after its kernels; the warm-up runs' kernels are dropped.
     */
    static ByOperator byOperator(Path trace, int total, int kept) throws IOException {
        JsonNode events = new ObjectMapper().readTree(trace.toFile());
        Map<String, Double> us = new TreeMap<>();
        int finishedRuns = 0;
        for (JsonNode e : events) {
            if ("model_run".equals(e.path("name").asText())) {
                finishedRuns++;
            }
            boolean kernel = "Node".equals(e.path("cat").asText()) && e.path("name").asText().endsWith(KERNEL_TIME);
            if (kernel && finishedRuns >= total - kept) {
                us.merge(e.path("args").path("op_name").asText(), e.path("dur").asDouble(), Double::sum);
            }
        }
        Map<String, Double> ms = new TreeMap<>();
        us.forEach((op, v) -> ms.put(op, v / 1000 / kept));
        return new ByOperator(ms);
    }
}
