package dev.trm.bench;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.trm.model.DjlOps;
import dev.trm.model.Presets;
import dev.trm.model.TrmConfig;
import dev.trm.model.TrmParameters;
import dev.trm.model.TrmStep;
import dev.trm.model.TrmWeights;
import dev.trm.runtime.ModelLoader;
import dev.trm.runtime.StepContract;
import dev.trm.runtime.TrmModel;
import java.nio.Buffer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
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
 * One supervision step on the same weights: ONNX Runtime (CPU, the runtime's engine) next to DJL
 * eager inference without gradient (the trainer's engine). FLOPs per step: {@link dev.trm.model.Flops#perStep}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(1)
public class StepBenchmark {
    @Param({"sudoku-mlp-small", "sudoku-mlp", "sudoku-att"})
    public String preset;

    @Param({"1", "8", "64"})
    public int batch;

    private OrtSession session;
    private Map<String, OnnxTensor> inputs;
    private NDManager manager;
    private TrmWeights weights;
    private TrmStep step;
    private NDArray tokens;
    private NDArray rows;
    private NDArray y;
    private NDArray z;

    @Setup(Level.Trial)
    public void setUp() throws OrtException {
        TrmConfig c = Presets.get(preset);
        Map<String, float[]> values = BenchModels.randomWeights(c);
        session = BenchModels.session(BenchModels.onnx(c, values));
        StepInputs in = StepInputs.random(c, batch);
        inputs = in.onnx(ModelLoader.environment());

        manager = NDManager.newBaseManager(Device.cpu());
        weights = new TrmWeights(new TrmParameters(c), values, manager, Device.cpu());
        step = new TrmStep(c);
        DjlOps.setGradMode(false);
        tokens = manager.create(in.tokens(), new Shape(in.tokenShape()));
        y = manager.create(in.state(), new Shape(in.stateShape()));
        z = manager.create(in.state(), new Shape(in.stateShape()));
        rows = step.puzzleRows(weights.ops(manager), manager.create(new long[batch]));
    }

    static LongBuffer direct(long[] v) {
        LongBuffer b = ByteBuffer.allocateDirect(v.length * Long.BYTES).order(ByteOrder.nativeOrder()).asLongBuffer();
        b.put(v);
        ((Buffer) b).rewind();
        return b;
    }

    static FloatBuffer direct(float[] v) {
        FloatBuffer b = ByteBuffer.allocateDirect(v.length * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
        b.put(v);
        ((Buffer) b).rewind();
        return b;
    }

    @Benchmark
    public float runtime() throws OrtException {
        try (OrtSession.Result r = session.run(inputs)) {
            return ((OnnxTensor) r.get(StepContract.OUT_Q_HALT).get()).getFloatBuffer().get(0);
        }
    }

    @Benchmark
    public float djl() {
        try (NDManager sm = manager.newSubManager()) {
            TrmStep.Outputs<NDArray> out = step.forward(weights.ops(sm), tokens, rows, y, z);
            return out.qHalt().getFloat(0);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws OrtException {
        inputs.values().forEach(OnnxTensor::close);
        session.close();
        weights.close();
        manager.close();
    }
}
