package dev.trm.cli;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.trm.data.Example;
import dev.trm.model.Flops;
import dev.trm.model.Presets;
import dev.trm.model.TrmConfig;
import dev.trm.task.sudoku.SudokuGenerator;
import dev.trm.task.sudoku.SudokuGrid;
import dev.trm.train.Losses;
import dev.trm.train.Optimizer;
import dev.trm.train.PuzzleSamples;
import dev.trm.train.TrainConfig;
import dev.trm.train.Trainer;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code trm bench}: throughput measurements that print a table (not tests). */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Benchmarks that print a table.",
        subcommands = {BenchCommand.Training.class})
final class BenchCommand {
    /** Side of the square matrices of the ceiling measurement. */
    static final int CEILING_SIDE = 1024;

    /** The machine's fp32 matmul rate through DJL/PyTorch, in GFLOP/s (best of several runs). */
    static double matmulCeiling(int repeats) {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray a = m.randomNormal(new Shape(CEILING_SIDE, CEILING_SIDE));
            NDArray b = m.randomNormal(new Shape(CEILING_SIDE, CEILING_SIDE));
            double best = 0;
            for (int r = 0; r < repeats; r++) {
                try (NDManager sm = m.newSubManager()) {
                    long t0 = System.nanoTime();
                    NDArray c = a.matMul(b);
                    c.attach(sm);
                    c.getFloat(0, 0);
                    double s = (System.nanoTime() - t0) / 1e9;
                    best = Math.max(best, 2.0 * CEILING_SIDE * CEILING_SIDE * CEILING_SIDE / s / 1e9);
                }
            }
            return best;
        }
    }

    @Command(name = "training", mixinStandardHelpOptions = true,
            description = "Training throughput per preset: sample-steps/s and achieved GFLOP/s against the measured matmul ceiling.")
    static final class Training implements Callable<Integer> {
        @Option(names = "--presets", split = ",", defaultValue = "sudoku-mlp,sudoku-mlp-small",
                description = "presets (default: ${DEFAULT-VALUE})")
        List<String> presets;

        @Option(names = "--batch", split = ",", defaultValue = "8,64", description = "batch per preset, in order (default: ${DEFAULT-VALUE})")
        List<Integer> batches;

        @Option(names = "--steps", defaultValue = "5", description = "timed steps after 2 warm-up steps (default: ${DEFAULT-VALUE})")
        int steps;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            double ceiling = matmulCeiling(20);
            out.printf("fp32 matmul ceiling (%dx%d through PyTorch %s, %d threads): %.1f GFLOP/s%n", CEILING_SIDE, CEILING_SIDE,
                    ai.djl.engine.Engine.getInstance().getVersion(), Runtime.getRuntime().availableProcessors(), ceiling);
            out.printf("%-18s %6s %12s %16s %12s %10s%n", "preset", "batch", "s/step", "sample-steps/s", "GFLOP/s", "of ceiling");
            out.flush();
            List<Example<SudokuGrid>> set = new ArrayList<>();
            SudokuGenerator gen = new SudokuGenerator(1);
            for (int i = 0; i < 64; i++) {
                SudokuGenerator.Puzzle p = gen.next(SudokuGenerator.Difficulty.givens(40, 45));
                set.add(new Example<>(i, "bench", p.question(), p.answer(), p.rating()));
            }
            for (int i = 0; i < presets.size(); i++) {
                TrmConfig c = Presets.get(presets.get(i));
                int batch = batches.get(Math.min(i, batches.size() - 1));
                TrainConfig tc = new TrainConfig(batch, steps + 2, 1e-4f, 0, 0.1f, 0.9f, 0.95f, 1e-2f, 0.1f, 0.999f, 0.1f, 0.5f,
                        Losses.CrossEntropy.STABLEMAX, Optimizer.Kind.ADAM_ATAN2, 0, 0);
                try (Trainer t = new Trainer(c, tc, PuzzleSamples.sudoku(set, true, 0), Device.cpu())) {
                    t.step();
                    t.step();
                    long t0 = System.nanoTime();
                    for (int s = 0; s < steps; s++) {
                        t.step();
                    }
                    double perStep = (System.nanoTime() - t0) / 1e9 / steps;
                    double gflops = Flops.perTrainingStep(c) * batch / perStep / 1e9;
                    out.printf("%-18s %6d %12.3f %16.1f %12.1f %9.0f%%%n", presets.get(i), batch, perStep, batch / perStep, gflops,
                            100 * gflops / ceiling);
                    out.flush();
                }
            }
            out.printf("FLOPs per training sample-step: forward T(n+1) network calls + backward 2(n+1) calls + heads (see Flops)%n");
            out.flush();
            return 0;
        }
    }
}
