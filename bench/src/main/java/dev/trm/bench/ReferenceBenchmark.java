package dev.trm.bench;

import ai.onnx.proto.OnnxMl;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.trm.runtime.ModelLoader;
import dev.trm.runtime.RuntimeConfig;
import dev.trm.runtime.TrmModel;
import dev.trm.task.sudoku.SudokuGrid;
import dev.trm.task.sudoku.SudokuSolver;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Reference points: the fp32 matmul ceiling through ONNX Runtime (2 n^3 FLOP per op, for each side n
 * in {@link #CEILING_SIDES}; the ceiling is the best of them), model load time, and the exact
 * classical solver's time per puzzle.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(1)
public class ReferenceBenchmark {
    /**
     * Sides of the square products the ceiling is measured on: the fastest is the machine's fp32
     * ceiling (on 2 cores here, 512 fits the caches best; no one size is fastest on every CPU).
     */
    public static final int[] CEILING_SIDES = {512, 1024, 1536};
    static final int SOLVER_PUZZLES = 64;

    private byte[] model;
    private List<SudokuGrid> grids;

    /** One n x n product through ONNX Runtime, for each side of {@link #CEILING_SIDES}. */
    @State(Scope.Benchmark)
    public static class Ceiling {
        @Param({"512", "1024", "1536"})
        public int side;
        private OrtSession matmul;
        private Map<String, OnnxTensor> inputs;

        @Setup(Level.Trial)
        public void setUp() throws OrtException {
            OrtEnvironment env = ModelLoader.environment();
            matmul = env.createSession(matmulModel(side), new OrtSession.SessionOptions());
            float[] a = new float[side * side];
            Random rng = new Random(0);
            for (int i = 0; i < a.length; i++) {
                a[i] = (float) rng.nextGaussian();
            }
            inputs = Map.of("a", OnnxTensor.createTensor(env, StepBenchmark.direct(a), new long[] {side, side}),
                    "b", OnnxTensor.createTensor(env, StepBenchmark.direct(a), new long[] {side, side}));
        }

        @TearDown(Level.Trial)
        public void tearDown() throws OrtException {
            inputs.values().forEach(OnnxTensor::close);
            matmul.close();
        }
    }

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        model = BenchModels.presetModel("sudoku-mlp");
        grids = new ArrayList<>();
        for (String p : BenchModels.puzzles(SOLVER_PUZZLES)) {
            grids.add(SudokuGrid.parse(p));
        }
    }

    /** An ONNX graph c = a @ b over two [n, n] float inputs. */
    public static byte[] matmulModel(int n) {
        OnnxMl.TypeProto type = OnnxMl.TypeProto.newBuilder().setTensorType(OnnxMl.TypeProto.Tensor.newBuilder()
                .setElemType(OnnxMl.TensorProto.DataType.FLOAT.getNumber())
                .setShape(OnnxMl.TensorShapeProto.newBuilder()
                        .addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(n))
                        .addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(n)))).build();
        OnnxMl.GraphProto g = OnnxMl.GraphProto.newBuilder().setName("matmul")
                .addNode(OnnxMl.NodeProto.newBuilder().setOpType("MatMul").addInput("a").addInput("b").addOutput("c"))
                .addInput(OnnxMl.ValueInfoProto.newBuilder().setName("a").setType(type))
                .addInput(OnnxMl.ValueInfoProto.newBuilder().setName("b").setType(type))
                .addOutput(OnnxMl.ValueInfoProto.newBuilder().setName("c").setType(type)).build();
        return OnnxMl.ModelProto.newBuilder().setIrVersion(8).setGraph(g)
                .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setVersion(17)).build().toByteArray();
    }

    @Benchmark
    public float matmulCeiling(Ceiling c) throws OrtException {
        try (OrtSession.Result r = c.matmul.run(c.inputs)) {
            return ((OnnxTensor) r.get(0)).getFloatBuffer().get(0);
        }
    }

    @Benchmark
    public int load() {
        try (TrmModel m = TrmModel.load(model, RuntimeConfig.cpu())) {
            return m.info().haltMaxSteps();
        }
    }

    @Benchmark
    @OperationsPerInvocation(SOLVER_PUZZLES)
    public int exactSolver() {
        int solved = 0;
        for (SudokuGrid g : grids) {
            solved += SudokuSolver.solve(g, 1).solutions();
        }
        return solved;
    }
}
