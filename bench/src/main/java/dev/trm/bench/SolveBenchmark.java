package dev.trm.bench;

import dev.trm.runtime.Effort;
import dev.trm.runtime.HaltPolicy;
import dev.trm.runtime.RuntimeConfig;
import dev.trm.runtime.Solution;
import dev.trm.runtime.TrmModel;
import java.io.IOException;
import java.util.List;
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
 * A whole solve per puzzle under each halting policy, on real puzzles ({@code -Dtrm.bench.puzzles=CSV})
 * with a trained model ({@code -Dtrm.bench.model=FILE.onnx}) where one exists; time is per puzzle.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(1)
public class SolveBenchmark {
    static final int PUZZLES = 16;

    @Param({"fixed", "q-halt", "verified"})
    public String policy;

    @Param({"sudoku-mlp-small"})
    public String preset;

    private TrmModel model;
    private List<String> puzzles;
    private HaltPolicy halt;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        model = TrmModel.load(BenchModels.solveModel(preset), RuntimeConfig.cpu());
        puzzles = BenchModels.puzzles(PUZZLES);
        halt = HaltPolicy.parse(policy);
    }

    @Benchmark
    @OperationsPerInvocation(PUZZLES)
    public List<Solution> solve() {
        return model.solveAll(puzzles, halt, Effort.plain(), PUZZLES, null);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        model.close();
    }
}
