package dev.trm.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.trm.export.WeightEncoding;
import dev.trm.model.Presets;
import dev.trm.model.TrmConfig;
import dev.trm.runtime.ModelLoader;
import dev.trm.runtime.StepContract;
import dev.trm.runtime.TrmModel;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One supervision step in ONNX Runtime, fp32 next to its int8 export ({@code trm export --quantize
 * int8}) of the same seeded weights: the int8 speed-up per preset and batch. {@code trm bench}
 * prints the same comparison as a table.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(1)
public class QuantizedStepBenchmark {
    @Param({"sudoku-mlp-small", "sudoku-mlp"})
    public String preset;

    @Param({"1", "8", "64"})
    public int batch;

    /** int8 as trm export writes it (activation scales per row), and with mixed activation scales. */
    @Param({"fp32", "int8", "int8-mixed"})
    public String weights;

    /** Intra-op threads: 0 is ONNX Runtime's default (one per core); a phone may run its step on 1. */
    @Param({"0"})
    public int threads;

    private OrtSession session;
    private Map<String, OnnxTensor> inputs;

    @Setup(Level.Trial)
    public void setUp() throws OrtException {
        TrmConfig c = Presets.get(preset);
        Map<String, float[]> values = BenchModels.randomWeights(c);
        byte[] model = switch (weights) {
            case "fp32" -> BenchModels.onnx(c, values);
            case "int8" -> BenchModels.int8Onnx(c, values);
            case "int8-mixed" -> BenchModels.int8Onnx(c, values, WeightEncoding.ActivationScales.MIXED);
            default -> throw new IllegalArgumentException("weights must be fp32, int8 or int8-mixed, got " + weights);
        };
        session = BenchModels.session(model, threads);
        inputs = StepInputs.random(c, batch).onnx(ModelLoader.environment());
    }

    @Benchmark
    public float step() throws OrtException {
        try (OrtSession.Result r = session.run(inputs)) {
            return ((OnnxTensor) r.get(StepContract.OUT_Q_HALT).get()).getFloatBuffer().get(0);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws OrtException {
        inputs.values().forEach(OnnxTensor::close);
        session.close();
    }
}
