package dev.trm.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.trm.model.Presets;
import dev.trm.model.TrmConfig;
import dev.trm.runtime.Effort;
import dev.trm.runtime.ModelLoader;
import dev.trm.runtime.HaltPolicy;
import dev.trm.runtime.RuntimeConfig;
import dev.trm.runtime.Solver;
import dev.trm.runtime.StepContract;
import dev.trm.runtime.TrmModel;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
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
 * The runtime's own cost per supervision step at batch 1: {@code solverStep} is a {@link Solver}
 * step, {@code sessionRun} is ONNX Runtime's run call alone on the same model and inputs (a session
 * opened as the runtime opens it). Overhead = solverStep - sessionRun.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(1)
public class OverheadBenchmark {
    @Param({"sudoku-mlp"})
    public String preset;

    private TrmModel model;
    private List<String> puzzle;
    private Solver solver;
    private OrtSession session;
    private Map<String, OnnxTensor> inputs;

    @Setup(Level.Trial)
    public void setUp() throws OrtException {
        byte[] bytes = BenchModels.presetModel(preset);
        model = TrmModel.load(bytes, RuntimeConfig.cpu());
        puzzle = BenchModels.puzzles(1);
        OrtEnvironment env = ModelLoader.environment();
        session = BenchModels.session(bytes);
        TrmConfig c = Presets.get(preset);
        long[] shape = {1, c.workingLength(), c.hiddenSize()};
        float[] state = new float[c.workingLength() * c.hiddenSize()];
        long[] tokens = new long[c.seqLen()];
        Arrays.fill(tokens, 1);
        inputs = new HashMap<>();
        inputs.put(StepContract.IN_TOKENS, OnnxTensor.createTensor(env, StepBenchmark.direct(tokens), new long[] {1, c.seqLen()}));
        inputs.put(StepContract.IN_PUZZLE_IDS, OnnxTensor.createTensor(env, StepBenchmark.direct(new long[1]), new long[] {1}));
        inputs.put(StepContract.IN_Y, OnnxTensor.createTensor(env, StepBenchmark.direct(state), shape));
        inputs.put(StepContract.IN_Z, OnnxTensor.createTensor(env, StepBenchmark.direct(state), shape));
    }

    @Benchmark
    public int solverStep() {
        if (solver == null || solver.isDone()) {
            if (solver != null) {
                solver.close();
            }
            solver = model.solver(puzzle, HaltPolicy.fixed(), Effort.plain(), null);
        }
        solver.step();
        return solver.steps();
    }

    @Benchmark
    public long sessionRun() throws OrtException {
        try (OrtSession.Result r = session.run(inputs)) {
            return r.size();
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws OrtException {
        if (solver != null) {
            solver.close();
        }
        model.close();
        inputs.values().forEach(OnnxTensor::close);
        session.close();
    }
}
