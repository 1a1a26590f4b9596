package dev.trm.cli;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.trm.bench.BenchSummary;
import dev.trm.bench.OnnxProfile;
import dev.trm.bench.TorchProfile;
import dev.trm.data.AtomicFile;
import dev.trm.data.Example;
import dev.trm.data.PuzzleCsv;
import dev.trm.data.SudokuGenerator;
import dev.trm.export.WeightEncoding;
import dev.trm.model.Flops;
import dev.trm.model.Presets;
import dev.trm.model.PyTorchNatives;
import dev.trm.model.TrmConfig;
import dev.trm.task.sudoku.SudokuGrid;
import dev.trm.train.PuzzleSamples;
import dev.trm.train.TrainConfig;
import dev.trm.train.Trainer;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code trm bench}: the short benchmark (runtime step vs DJL, the ceiling, overhead, solves per
 * policy, peak RSS) as one table plus bench.csv and bench.png; {@code trm bench training}: trainer
 * throughput. Measurements, not tests.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Short benchmark: the runtime step next to DJL eager and the fp32 matmul ceiling, runtime overhead,"
                + " solves per policy and peak memory. Prints a table and writes bench.csv and bench.png.",
        subcommands = {BenchCommand.Training.class, BenchCommand.Int8Profile.class})
final class BenchCommand implements Callable<Integer> {
    @Option(names = "--presets", split = ",", defaultValue = "sudoku-mlp-small,sudoku-mlp,sudoku-att",
            description = "(default: ${DEFAULT-VALUE})")
    List<String> presets;

    @Option(names = "--batches", split = ",", defaultValue = "1,8,64", description = "(default: ${DEFAULT-VALUE})")
    List<Integer> batches;

    @Option(names = "--repeats", defaultValue = "3", description = "timed runs per measurement, median reported (default: ${DEFAULT-VALUE})")
    int repeats;

    @Option(names = {"-m", "--model"}, description = "a trained .onnx for the solve rows (default: the bundled model)")
    Path model;

    @Option(names = "--int8-model", description = "the solve model's int8 export (trm export --quantize int8), solved next to it")
    Path int8Model;

    @Option(names = "--int8-presets", split = ",", defaultValue = "sudoku-mlp-small,sudoku-mlp",
            description = "presets whose step runs in fp32 and int8 side by side, '' for none (default: ${DEFAULT-VALUE})")
    List<String> int8Presets;

    @Option(names = "--puzzles", description = "CSV of puzzles for the solve rows (default: 16 generated)")
    Path puzzles;

    @Option(names = "--count", defaultValue = "16", description = "puzzles for the solve rows (default: ${DEFAULT-VALUE})")
    int count;

    @Option(names = {"-o", "--out"}, defaultValue = "runs/bench", description = "where bench.csv and bench.png go")
    Path out;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PyTorchNatives.require("benchmarking");
        byte[] solveModel = model != null ? Files.readAllBytes(model) : BundledModel.bytes();
        List<String> list = new ArrayList<>();
        if (puzzles != null) {
            for (PuzzleCsv.Row r : PuzzleCsv.read(puzzles)) {
                if (list.size() < count) {
                    list.add(r.question());
                }
            }
        } else {
            SudokuGenerator gen = new SudokuGenerator(1);
            for (int i = 0; i < count; i++) {
                list.add(gen.next(SudokuGenerator.Difficulty.givens(30, 40)).question().toLine());
            }
        }
        if (Files.exists(out) && !Files.isDirectory(out)) {
            throw new IllegalArgumentException("-o " + out + ": a folder for bench.csv and bench.png, and this is a file");
        }
        AtomicFile.requireWritableFolder(out.resolve("bench.csv"));
        PrintWriter stdout = spec.commandLine().getOut();
        List<String> int8 = new ArrayList<>();
        int8Presets.stream().filter(p -> !p.isBlank()).forEach(int8::add);
        BenchSummary.run(new BenchSummary.Options(presets, batches, repeats, solveModel, list, out, int8,
                int8Model != null ? Files.readAllBytes(int8Model) : null), stdout);
        stdout.printf("wrote %s and %s%n", out.resolve("bench.csv"), out.resolve("bench.png"));
        stdout.flush();
        return 0;
    }
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

    @Command(name = "int8-profile", mixinStandardHelpOptions = true,
            description = "Where the int8 step's time goes: ONNX Runtime's profiler, fp32 and int8 steps of the same random"
                    + " weights, kernel time split into matmuls and the rest, and the speed-up int8 could reach if it added"
                    + " nothing but its integer matmuls.")
    static final class Int8Profile implements Callable<Integer> {
        @Option(names = "--presets", split = ",", defaultValue = "sudoku-mlp-small,sudoku-mlp",
                description = "presets (default: ${DEFAULT-VALUE})")
        List<String> presets;

        @Option(names = "--batches", split = ",", defaultValue = "1,8", description = "(default: ${DEFAULT-VALUE})")
        List<Integer> batches;

        @Option(names = "--runs", defaultValue = "20", description = "profiled steps per measurement (default: ${DEFAULT-VALUE})")
        int runs;

        @Option(names = "--ops", description = "also list every operator type's time per step")
        boolean ops;

        @Option(names = "--int8-activations", defaultValue = "ROWS", description = "ROWS or MIXED, as trm export takes"
                + " (default: ${DEFAULT-VALUE})")
        WeightEncoding.ActivationScales activations;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            PyTorchNatives.require("benchmarking");
            PrintWriter out = spec.commandLine().getOut();
            out.printf("ms per step inside ONNX Runtime (kernel times, %d profiled steps, %d cores)%n", runs,
                    Runtime.getRuntime().availableProcessors());
            out.printf("%-17s %5s %12s %10s %12s %10s %9s %9s %9s%n", "preset", "batch", "fp32 matmul", "fp32 rest", "int8 matmul",
                    "int8 rest", "matmuls", "step", "bound");
            for (String preset : presets) {
                for (int batch : batches) {
                    OnnxProfile.Int8VsFp32 p = OnnxProfile.int8VsFp32(Presets.get(preset), activations, batch, runs);
                    out.printf("%-17s %5d %12.2f %10.2f %12.2f %10.2f %8.2fx %8.2fx %8.2fx%n", preset, batch, p.fp32().matmul(),
                            p.fp32().rest(), p.int8().matmul(), p.int8().rest(), p.fp32().matmul() / p.int8().matmul(),
                            p.fp32().total() / p.int8().total(), p.bound());
                    if (ops) {
                        p.int8().ms().forEach((op, ms) -> out.printf("    int8 %-26s %8.3f ms%n", op, ms));
                        p.fp32().ms().forEach((op, ms) -> out.printf("    fp32 %-26s %8.3f ms%n", op, ms));
                    }
                    out.flush();
                }
            }
            out.printf("matmuls, step: int8 speed-up of the matmul kernels and of the whole step; bound: the step's speed-up"
                    + " if int8 added no work besides its matmuls (fp32 step / (fp32 rest + int8 matmuls))%n");
            out.flush();
            return 0;
        }
    }

    @Command(name = "training", mixinStandardHelpOptions = true,
            description = "Training throughput per preset: sample-steps/s and achieved GFLOP/s against the measured matmul ceiling.")
    static final class Training implements Callable<Integer> {
        /** Operators listed from a profile. */
        private static final int PROFILE_ROWS = 25;

        @Option(names = "--presets", split = ",", defaultValue = "sudoku-mlp,sudoku-mlp-small",
                description = "presets (default: ${DEFAULT-VALUE})")
        List<String> presets;

        @Option(names = "--batch", split = ",", defaultValue = "8,64", description = "batch per preset, in order (default: ${DEFAULT-VALUE})")
        List<Integer> batches;

        @Option(names = "--steps", defaultValue = "5", description = "timed steps after 2 warm-up steps (default: ${DEFAULT-VALUE})")
        int steps;

        @Mixin
        ModelSizeOptions sizes;

        @Option(names = "--profile", paramLabel = "TRACE.json",
                description = "also run the timed steps of the last preset under PyTorch's profiler: write its Chrome trace"
                        + " and print the operators by self time")
        Path profile;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            PyTorchNatives.require("benchmarking");
            PrintWriter out = spec.commandLine().getOut();
            double ceiling = matmulCeiling(20);
            out.printf("fp32 matmul ceiling (%dx%d through PyTorch %s, %d threads): %.1f GFLOP/s%n", CEILING_SIDE, CEILING_SIDE,
                    Engine.getInstance().getVersion(), Runtime.getRuntime().availableProcessors(), ceiling);
            out.printf("%-18s %6s %12s %16s %12s %10s%n", "preset", "batch", "s/step", "sample-steps/s", "GFLOP/s", "of ceiling");
            out.flush();
            List<Example<SudokuGrid>> set = new ArrayList<>();
            SudokuGenerator gen = new SudokuGenerator(1);
            for (int i = 0; i < 64; i++) {
                SudokuGenerator.Puzzle p = gen.next(SudokuGenerator.Difficulty.givens(40, 45));
                set.add(new Example<>(i, "bench", p.question(), p.answer(), p.rating()));
            }
            for (int i = 0; i < presets.size(); i++) {
                TrmConfig c = sizes.applyTo(Presets.get(presets.get(i)), null);
                int batch = batches.get(Math.min(i, batches.size() - 1));
                TrainConfig tc = TrainConfig.builder().batchSize(batch).steps(steps + 2).lr(1e-4f).warmupSteps(0)
                        .emaRate(0.999f).evalInterval(0).build();
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
                    if (profile != null && i == presets.size() - 1) {
                        printProfile(out, TorchProfile.record(profile, () -> {
                            for (int s = 0; s < steps; s++) {
                                t.step();
                            }
                        }));
                    }
                }
            }
            out.printf("FLOPs per training sample-step: forward T(n+1) network calls + backward 2(n+1) calls + heads (see Flops)%n");
            out.flush();
            return 0;
        }

        private void printProfile(PrintWriter out, List<TorchProfile.Row> rows) {
            out.printf("%nPyTorch profile of %d steps (%s), operators by self time:%n", steps, profile);
            out.printf("%-40s %8s %12s %7s%n", "operator", "calls", "self ms", "share");
            for (TorchProfile.Row r : rows.subList(0, Math.min(PROFILE_ROWS, rows.size()))) {
                out.printf("%-40s %8d %12.1f %6.1f%%%n", r.name(), r.calls(), r.selfMillis(), 100 * r.share());
            }
            out.flush();
        }
    }
}
