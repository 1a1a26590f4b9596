package dev.trm.bench;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.trm.data.AtomicFile;
import dev.trm.model.DjlOps;
import dev.trm.model.Flops;
import dev.trm.model.Presets;
import dev.trm.model.TrmConfig;
import dev.trm.model.TrmParameters;
import dev.trm.model.TrmStep;
import dev.trm.model.TrmWeights;
import dev.trm.plot.LinePlot;
import dev.trm.runtime.ModelLoader;
import dev.trm.runtime.Effort;
import dev.trm.runtime.HaltPolicy;
import dev.trm.runtime.RuntimeConfig;
import dev.trm.runtime.Solution;
import dev.trm.runtime.Solver;
import dev.trm.runtime.TrmModel;
import dev.trm.train.ProcessMemory;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

/**
 * The short benchmark behind {@code trm bench}: in one process, the fp32 matmul ceiling through
 * ONNX Runtime, then per preset and batch the runtime step next to DJL eager (medians of a few
 * runs), the runtime's overhead per step at batch 1, and solves per policy. Prints one table and
 * writes {@code bench.csv} and {@code bench.png}.
 */
public final class BenchSummary {
    /** Options of one summary run. */
    /**
     * @param int8Presets presets whose step runs in fp32 and in int8 side by side (random weights)
     * @param int8Model   the solve model's int8 export, solved next to the fp32 one (null: none)
     */
    public record Options(List<String> presets, List<Integer> batches, int repeats, byte[] solveModel, List<String> puzzles,
                          Path outDir, List<String> int8Presets, byte[] int8Model) {
    }

    /** One row of the step table. */
    public record StepRow(String preset, int batch, double runtimeMs, double djlMs, double gflops, double ofCeiling) {
        double ratio() {
            return djlMs / runtimeMs;
        }
    }

    private BenchSummary() {
    }

    public static void run(Options o, PrintWriter out) throws OrtException, IOException {
        OrtEnvironment env = ModelLoader.environment();
        double ceiling = 0;
        StringBuilder sides = new StringBuilder();
        for (int side : ReferenceBenchmark.CEILING_SIDES) {
            double g = ceiling(env, side);
            sides.append(String.format(" %d: %.0f", side, g));
            ceiling = Math.max(ceiling, g);
        }
        out.printf("fp32 matmul ceiling through ONNX Runtime (%d cores): %.1f GFLOP/s, the best of n x n products (n%s)%n",
                Runtime.getRuntime().availableProcessors(), ceiling, sides);
        out.printf("%-17s %5s %12s %12s %9s %9s %10s%n", "preset", "batch", "runtime ms", "DJL ms", "DJL/rt", "GFLOP/s",
                "of ceiling");
        out.flush();
        List<StepRow> rows = new ArrayList<>();
        Map<String, byte[]> onnxByPreset = new HashMap<>();
        for (String preset : o.presets()) {
            TrmConfig c = Presets.get(preset);
            Map<String, float[]> values = BenchModels.randomWeights(c);
            byte[] onnx = BenchModels.onnx(c, values);
            onnxByPreset.put(preset, onnx);
            for (int batch : o.batches()) {
                StepRow r = stepRow(env, c, preset, values, onnx, batch, o.repeats(), ceiling);
                rows.add(r);
                out.printf("%-17s %5d %12.2f %12.2f %8.2fx %9.1f %9.0f%%%n", preset, batch, r.runtimeMs(), r.djlMs(), r.ratio(),
                        r.gflops(), 100 * r.ofCeiling());
                out.flush();
            }
        }
        byte[] overheadModel = onnxByPreset.get(OVERHEAD_PRESET);
        printOverhead(out, OVERHEAD_PRESET + " (random weights)",
                overheadModel != null ? overheadModel : BenchModels.presetModel(OVERHEAD_PRESET), o.puzzles().get(0));
        printOverhead(out, "the solve model", o.solveModel(), o.puzzles().get(0));
        printInt8(out, env, o);
        out.printf("%-6s %-18s %-10s %11s %13s %8s%n", "model", "policy", "effort", "mean steps", "ms / puzzle", "solved");
        List<SolveRow> solveRows = new ArrayList<>(printSolves(out, "fp32", o.solveModel(), o.puzzles()));
        if (o.int8Model() != null) {
            solveRows.addAll(printSolves(out, "int8", o.int8Model(), o.puzzles()));
        }
        out.printf("peak RSS of this process: %.0f MB%n", ProcessMemory.peakRssKb() / 1024.0);
        out.flush();
        write(o.outDir(), ceiling, rows, solveRows);
    }

    /** Work per side of the ceiling: about 40 GFLOP of products, so each size runs for a few seconds at most. */
    private static final double CEILING_FLOP = 4e10;
    private static final int CEILING_MIN_REPEATS = 5;

    /** The best GFLOP/s of repeated n x n products through ONNX Runtime. */
    private static double ceiling(OrtEnvironment env, int n) throws OrtException {
        int repeats = Math.max(CEILING_MIN_REPEATS, (int) (CEILING_FLOP / (2.0 * n * n * n)));
        float[] a = new float[n * n];
        Random rng = new Random(0);
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) rng.nextGaussian();
        }
        try (OrtSession s = env.createSession(ReferenceBenchmark.matmulModel(n), new OrtSession.SessionOptions());
             OnnxTensor x = OnnxTensor.createTensor(env, StepBenchmark.direct(a), new long[] {n, n})) {
            Map<String, OnnxTensor> in = Map.of("a", x, "b", x);
            double best = 0;
            for (int r = 0; r < repeats; r++) {
                long t0 = System.nanoTime();
                s.run(in).close();
                best = Math.max(best, 2.0 * n * n * n / ((System.nanoTime() - t0) / 1e9) / 1e9);
            }
            return best;
        }
    }

    /** One preset and batch: the runtime on {@code onnx} and DJL on {@code values}, the same weights. */
    private static StepRow stepRow(OrtEnvironment env, TrmConfig c, String preset, Map<String, float[]> values, byte[] onnx,
                                   int batch, int repeats, double ceiling) throws OrtException {
        StepInputs inputs = StepInputs.random(c, batch);
        double runtime = runtimeMs(env, c, onnx, batch, repeats);
        double djl;
        boolean grad = DjlOps.setGradMode(false);
        try (NDManager m = NDManager.newBaseManager(Device.cpu());
             TrmWeights w = new TrmWeights(new TrmParameters(c), values, m, Device.cpu())) {
            TrmStep step = new TrmStep(c);
            NDArray tokens = m.create(inputs.tokens(), new Shape(inputs.tokenShape()));
            NDArray y = m.create(inputs.state(), new Shape(inputs.stateShape()));
            NDArray rows = step.puzzleRows(w.ops(m), m.create(new long[batch]));
            djl = medianAfterWarmup(repeats, () -> {
                try (NDManager sm = m.newSubManager()) {
                    step.forward(w.ops(sm), tokens, rows, y, y).qHalt().getFloat(0);
                }
            });
        } finally {
            DjlOps.setGradMode(grad);
        }
        double gflops = Flops.perStep(c) * batch / (runtime / 1e3) / 1e9;
        return new StepRow(preset, batch, runtime, djl, gflops, gflops / ceiling);
    }

    /** Median ms of one ONNX Runtime run of a step file on seeded random inputs of a batch. */
    static double runtimeMs(OrtEnvironment env, TrmConfig c, byte[] onnx, int batch, int repeats) throws OrtException {
        StepInputs inputs = StepInputs.random(c, batch);
        try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions();
             OrtSession s = createSession(env, onnx, opts)) {
            Map<String, OnnxTensor> in = inputs.onnx(env);
            try {
                return medianAfterWarmup(repeats, () -> s.run(in).close());
            } finally {
                in.values().forEach(OnnxTensor::close);
            }
        }
    }

    /** fp32 and int8 steps of the same random weights, side by side: time per batch and file size. */
    private static void printInt8(PrintWriter out, OrtEnvironment env, Options o) throws OrtException {
        if (o.int8Presets().isEmpty()) {
            return;
        }
        out.printf("%-17s %5s %12s %12s %9s %10s %10s%n", "int8 vs fp32", "batch", "fp32 ms", "int8 ms", "speed-up", "fp32 MB",
                "int8 MB");
        for (String preset : o.int8Presets()) {
            TrmConfig c = Presets.get(preset);
            Map<String, float[]> values = BenchModels.randomWeights(c);
            byte[] fp32 = BenchModels.onnx(c, values);
            byte[] int8 = BenchModels.int8Onnx(c, values);
            for (int batch : o.batches()) {
                double a = runtimeMs(env, c, fp32, batch, o.repeats());
                double b = runtimeMs(env, c, int8, batch, o.repeats());
                out.printf("%-17s %5d %12.2f %12.2f %8.2fx %10.2f %10.2f%n", preset, batch, a, b, a / b, fp32.length / 1e6,
                        int8.length / 1e6);
                out.flush();
            }
        }
    }

    /** One row of the solve table: a model ({@code fp32}, {@code int8}) under a policy and effort. */
    record SolveRow(String model, String policy, String effort, double meanSteps, double msPerPuzzle, long solved, int puzzles) {
    }

    /** A (policy, effort) pair of the solve table. */
    private record Setting(String policy, String effort) {
    }

    /** Whole solves of a model per halting policy and effort: mean steps (all copies), time, solved. */
    private static List<SolveRow> printSolves(PrintWriter out, String label, byte[] model, List<String> puzzles) {
        List<SolveRow> rows = new ArrayList<>();
        try (TrmModel m = TrmModel.load(model, RuntimeConfig.cpu())) {
            for (Setting pe : SOLVE_ROWS) {
                long t0 = System.nanoTime();
                List<Solution> sols = m.solveAll(puzzles, HaltPolicy.parse(pe.policy()), Effort.parse(pe.effort()), puzzles.size(), null);
                double ms = (System.nanoTime() - t0) / 1e6 / sols.size();
                double steps = sols.stream().mapToInt(Solution::totalSteps).average().orElse(0);
                long solved = sols.stream().filter(Solution::solvedByModel).count();
                out.printf("%-6s %-18s %-10s %11.2f %13.2f %5d/%d%n", label, pe.policy(), pe.effort(), steps, ms, solved, sols.size());
                rows.add(new SolveRow(label, pe.policy(), pe.effort(), steps, ms, solved, sols.size()));
                out.flush();
            }
        }
        return rows;
    }

    /** The (policy, effort) pairs of the solve table: the plain policies, then the command line's default. */
    private static final List<Setting> SOLVE_ROWS = List.of(new Setting("fixed", "plain"), new Setting("q-halt", "plain"),
            new Setting("verified", "plain"), new Setting("verified+q-halt", "plain"), new Setting("verified+q-halt", "adaptive"));

    /** The preset whose batch-1 overhead the target is about. */
    private static final String OVERHEAD_PRESET = "sudoku-mlp";
    /** Warm-up, then measurement, per overhead figure: enough steps for the JIT to settle. */
    private static final long OVERHEAD_WARMUP_NANOS = 2_000_000_000L;
    private static final long OVERHEAD_MEASURE_NANOS = 3_000_000_000L;

    private static void printOverhead(PrintWriter out, String what, byte[] model, String puzzle) {
        double[] o = overhead(model, puzzle);
        out.printf("runtime overhead per step at batch 1, %s (outside ONNX Runtime's run): %.3f ms of %.2f ms = %.2f%%"
                + " (%d steps)%n", what, o[0] - o[1], o[0], 100 * (o[0] - o[1]) / o[0], (long) o[2]);
        out.flush();
    }

    /** {mean step ms, mean ms inside ONNX Runtime's run, steps measured} at batch 1, after a warm-up. */
    private static double[] overhead(byte[] model, String puzzle) {
        try (TrmModel m = TrmModel.load(model, RuntimeConfig.cpu())) {
            double total = 0;
            double run = 0;
            int done = 0;
            Solver s = null;
            long start = System.nanoTime();
            try {
                while (System.nanoTime() - start < OVERHEAD_WARMUP_NANOS + OVERHEAD_MEASURE_NANOS) {
                    boolean measured = System.nanoTime() - start >= OVERHEAD_WARMUP_NANOS;
                    if (s == null || s.isDone()) {
                        if (s != null) {
                            s.close();
                        }
                        s = m.solver(List.of(puzzle), HaltPolicy.fixed(), Effort.plain(), null);
                    }
                    long t0 = System.nanoTime();
                    s.step();
                    long t = System.nanoTime() - t0;
                    if (measured) {
                        total += t / 1e6;
                        run += s.lastRunNanos() / 1e6;
                        done++;
                    }
                }
            } finally {
                if (s != null) {
                    s.close();
                }
            }
            return new double[] {total / done, run / done, done};
        }
    }

    private static OrtSession createSession(OrtEnvironment env, byte[] onnx, OrtSession.SessionOptions opts) throws OrtException {
        opts.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
        return env.createSession(onnx, opts);
    }

    /** Warm-up before timing a step: at least this long and this many runs, so the JIT and allocators settle. */
    private static final long WARMUP_NANOS = 1_000_000_000L;
    private static final int WARMUP_MIN_RUNS = 3;

    /** One timed operation (ONNX Runtime's run or a DJL forward). */
    private interface Op {
        void run() throws OrtException;
    }

    /** Median ms of {@code repeats} runs of {@code op}, after a warm-up. */
    private static double medianAfterWarmup(int repeats, Op op) throws OrtException {
        long start = System.nanoTime();
        for (int k = 0; k < WARMUP_MIN_RUNS || System.nanoTime() - start < WARMUP_NANOS; k++) {
            op.run();
        }
        double[] times = new double[repeats];
        for (int r = 0; r < repeats; r++) {
            long t0 = System.nanoTime();
            op.run();
            times[r] = (System.nanoTime() - t0) / 1e6;
        }
        return median(times);
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    /** The columns of bench.csv: one row per measurement, each kind filling its own columns. */
    private static final String[] CSV_HEADER = {"kind", "preset_or_model", "batch", "runtime_ms", "djl_ms", "djl_over_runtime", "gflops",
        "of_ceiling", "policy", "effort", "mean_steps", "ms_per_puzzle", "solved", "puzzles"};

    private static void write(Path dir, double ceiling, List<StepRow> rows, List<SolveRow> solves) throws IOException {
        AtomicFile.write(dir.resolve("bench.csv"), o -> {
            Writer w = new OutputStreamWriter(o, StandardCharsets.UTF_8);
            try (CSVPrinter csv = new CSVPrinter(w, CSVFormat.DEFAULT.builder().setHeader(CSV_HEADER).get())) {
                csv.printRecord("ceiling", "", "", "", "", "", ceiling, 1, "", "", "", "", "", "");
                for (StepRow r : rows) {
                    csv.printRecord("step", r.preset(), r.batch(), r.runtimeMs(), r.djlMs(), r.ratio(), r.gflops(), r.ofCeiling(),
                            "", "", "", "", "", "");
                }
                for (SolveRow r : solves) {
                    csv.printRecord("solve", r.model(), "", "", "", "", "", "", r.policy(), r.effort(), r.meanSteps(), r.msPerPuzzle(),
                            r.solved(), r.puzzles());
                }
            }
        });
        List<LinePlot.Series> speed = new ArrayList<>();
        for (String preset : rows.stream().map(StepRow::preset).distinct().toList()) {
            LinePlot.Series s = new LinePlot.Series(preset + ": DJL time / runtime time");
            rows.stream().filter(r -> r.preset().equals(preset)).forEach(r -> s.add(r.batch(), r.ratio()));
            speed.add(s);
        }
        List<LinePlot.Series> eff = new ArrayList<>();
        for (String preset : rows.stream().map(StepRow::preset).distinct().toList()) {
            LinePlot.Series s = new LinePlot.Series(preset + ": runtime fraction of ceiling");
            rows.stream().filter(r -> r.preset().equals(preset)).forEach(r -> s.add(r.batch(), r.ofCeiling()));
            eff.add(s);
        }
        LinePlot.write(dir.resolve("bench.png"), "TRM step: runtime (ONNX Runtime) vs DJL eager, by batch", "batch",
                speed, "speed-up over DJL", eff, "fraction of the fp32 matmul ceiling");
    }
}
