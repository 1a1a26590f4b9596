package dev.trm.bench;

import dev.trm.runtime.HaltPolicy;
import dev.trm.runtime.RuntimeOptions;
import dev.trm.runtime.Solver;
import dev.trm.runtime.TrmModel;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
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
 * The runtime's own cost per supervision step at batch 1: a {@link Solver} step, with the time
 * inside ONNX Runtime's run call reported beside it as an auxiliary counter ({@code runNanos});
 * overhead = step time - run time.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(1)
public class OverheadBenchmark {
    @Param({"sudoku-mlp"})
    public String preset;

    private TrmModel model;
    private List<String> puzzle;
    private Solver solver;

    /** Time inside ONNX Runtime per step, averaged by JMH over the same operations. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class RunTime {
        public long runNanos;
    }

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        model = TrmModel.load(BenchModels.solveModel(preset), RuntimeOptions.cpu());
        puzzle = BenchModels.puzzles(1);
    }

    @Benchmark
    public void step(RunTime counter) {
        if (solver == null || solver.isDone()) {
            if (solver != null) {
                solver.close();
            }
            solver = model.solver(puzzle, HaltPolicy.fixed(), null);
        }
        solver.step();
        counter.runNanos += solver.lastRunNanos();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (solver != null) {
            solver.close();
        }
        model.close();
    }
}
