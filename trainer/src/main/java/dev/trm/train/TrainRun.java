package dev.trm.train;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trm.data.AtomicFile;
import dev.trm.plot.LinePlot;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Drives a {@link Trainer} to its last step with what a person running it needs: a progress line
 * (samples/s, ETA, loss), a metrics log ({@code metrics.jsonl}: one line per step, one per
 * evaluation), periodic evaluation with the EMA weights, checkpoints ({@code checkpoint.ckpt},
 * replaced atomically), the checkpoint of the best evaluation so far ({@code best.ckpt}: the
 * held-out exact accuracy of a long run rises and falls by a point or two between evaluations, and
 * the last checkpoint is not always the one to ship) and a learning-curve plot ({@code curve.png}).
 */
public final class TrainRun {
    public static final String CHECKPOINT = "checkpoint.ckpt";
    public static final String BEST = "best.ckpt";
    public static final String METRICS = "metrics.jsonl";
    public static final String CURVE = "curve.png";
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();
    private static final long PROGRESS_EVERY_NANOS = 1_000_000_000L;
    /** Non-finite steps in a row after which the run stops instead of spinning (the weights no longer change). */
    static final int MAX_SKIPPED_IN_A_ROW = 20;
    /** Training-loss points are averaged over this many steps for the plot. */
    private static final int PLOT_WINDOW = 20;

    /**
     * @param outDir    where the checkpoint, metrics and plot go
     * @param evalSet   held-out puzzles (null: no evaluation)
     * @param evalBatch puzzles per evaluation batch
     * @param info      provenance written into checkpoints (data set, command)
     * @param progress  where the redrawn progress line goes: a terminal (null: none)
     * @param messages  where evaluations and new best checkpoints are reported (null: nowhere)
     */
    public record Options(Path outDir, List<PuzzleSamples.Sample> evalSet, int evalBatch, RunInfo info,
                          PrintStream progress, PrintStream messages) {
        /** Ends the progress line, so a message starts on a line of its own. */
        void message(String format, Object... args) {
            if (messages != null) {
                if (progress != null) {
                    progress.println();
                }
                messages.printf(format, args);
            }
        }
    }

    private TrainRun() {
    }

    /** Trains to the configured step count; returns the last evaluation (null without an eval set). */
    public static Evaluation run(Trainer trainer, Options o) throws IOException {
        Files.createDirectories(o.outDir());
        Path metrics = o.outDir().resolve(METRICS);
        List<JsonNode> history = keepHistoryUpTo(metrics, trainer.stepCount());
        TrainConfig tc = trainer.trainConfig();
        long total = tc.steps();
        long startStep = trainer.stepCount();
        long t0 = System.nanoTime();
        long lastPrint = 0;
        RunSoFar run = new RunSoFar(o.info(), bestEvaluationSoFar(o.outDir(), history));
        try (Writer log = Files.newBufferedWriter(metrics, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND)) {
            long skippedBefore = trainer.skippedSteps();
            long skippedInARow = 0;
            while (trainer.stepCount() < total) {
                StepMetrics m = trainer.step();
                skippedInARow = m.skippedSteps() > skippedBefore ? skippedInARow + 1 : 0;
                skippedBefore = m.skippedSteps();
                if (skippedInARow >= MAX_SKIPPED_IN_A_ROW) {
                    log.flush();
                    throw new DivergedException("training diverged: " + skippedInARow + " steps in a row up to step " + m.step()
                            + " had a non-finite loss or gradient; the last checkpoint in " + o.outDir() + " is untouched");
                }
                writeLine(log, JSON.valueToTree(m), history);
                long now = System.nanoTime();
                if (o.progress() != null && (now - lastPrint > PROGRESS_EVERY_NANOS || m.step() == total)) {
                    printProgress(o.progress(), m, startStep, total, now - t0, tc.batchSize());
                    lastPrint = now;
                }
                if (m.step() == total || (tc.evalInterval() > 0 && m.step() % tc.evalInterval() == 0)) {
                    evaluateAndSave(trainer, o, m.step(), log, history, run);
                }
            }
        }
        if (o.progress() != null) {
            o.progress().println();
        }
        return run.last;
    }

    /** What a run carries from one evaluation to the next: its information, its best and its last evaluation. */
    private static final class RunSoFar {
        RunInfo info;
        double best;
        Evaluation last;

        RunSoFar(RunInfo info, double best) {
            this.info = info;
            this.best = best;
        }
    }

    /** Evaluates on the held-out set (if any), writes the checkpoint (and best.ckpt on a new best) and the plot. */
    private static void evaluateAndSave(Trainer trainer, Options o, long step, Writer log, List<JsonNode> history, RunSoFar run)
            throws IOException {
        if (o.evalSet() != null) {
            Evaluation e = evaluate(trainer, o);
            run.last = e;
            writeLine(log, evaluationJson(step, e), history);
            run.info = run.info.toBuilder().lastEvaluation(step, e.exact(), e.blankAccuracy()).build();
            o.message("step %d eval: exact %.4f, cell %.4f, blank cells %.4f (after step 1: %.4f), q-halt accuracy %.3f%n",
                    step, e.exact(), e.cellAccuracy(), e.blankAccuracy(), e.blankByStep()[0], e.qHaltAccuracy());
        }
        log.flush();
        Checkpoint snapshot = trainer.snapshot(run.info);
        snapshot.write(o.outDir().resolve(CHECKPOINT));
        if (run.last != null && run.last.exact() > run.best) {
            run.best = run.last.exact();
            snapshot.write(o.outDir().resolve(BEST));
            o.message("best evaluation so far: wrote %s%n", BEST);
        }
        plot(o.outDir().resolve(CURVE), history, trainer);
    }

    /**
     * The exact accuracy of the evaluation {@code best.ckpt} holds: the best in the run's history when
     * the folder has that file, and -1 otherwise (a run resumed into a new folder starts its own).
     */
    private static double bestEvaluationSoFar(Path outDir, List<JsonNode> history) {
        if (!Files.exists(outDir.resolve(BEST))) {
            return -1;
        }
        return history.stream().filter(j -> j.path("eval").asBoolean(false))
                .mapToDouble(j -> j.path("exact_accuracy").asDouble()).max().orElse(-1);
    }

    static Evaluation evaluate(Trainer trainer, Options o) {
        try (NDManager m = NDManager.newBaseManager(trainer.weights().manager().getDevice())) {
            return Evaluation.run(trainer.modelConfig(), trainer.evaluationTensors(), trainer.weights().constants(),
                    o.evalSet(), o.evalBatch(), m);
        }
    }

    static ObjectNode evaluationJson(long step, Evaluation e) {
        ObjectNode n = JSON.createObjectNode();
        n.put("step", step);
        n.put("eval", true);
        n.put("puzzles", e.puzzles());
        n.put("exact_accuracy", e.exact());
        n.put("cell_accuracy", e.cellAccuracy());
        n.put("blank_accuracy", e.blankAccuracy());
        n.put("q_halt_accuracy", e.qHaltAccuracy());
        n.put("mean_halt_step", e.meanHaltStep());
        n.put("exact_at_halt", e.exactAtHalt());
        n.set("blank_accuracy_by_step", JSON.valueToTree(e.blankByStep()));
        n.set("exact_accuracy_by_step", JSON.valueToTree(e.exactByStep()));
        return n;
    }

    private static void writeLine(Writer log, ObjectNode line, List<JsonNode> history) throws IOException {
        log.write(JSON.writeValueAsString(line));
        log.write('\n');
        history.add(line);
    }

    /**
     * A run resumed into another folder starts its metrics (and so its curve) with the history of
     * the checkpoint's folder, when that folder has one and the new one has none yet. Lines past the
     * resumed step are dropped when the run starts.
     */
    public static void carryHistory(Path fromDir, Path toDir) throws IOException {
        Path from = fromDir.resolve(METRICS);
        Path to = toDir.resolve(METRICS);
        if (Files.exists(from) && !Files.exists(to)) {
            Files.createDirectories(toDir);
            byte[] lines = Files.readAllBytes(from);
            AtomicFile.write(to, out -> out.write(lines));
        }
    }

    /** Metrics lines of earlier runs up to the resumed step (lines past it belong to a run that did not checkpoint). */
    private static List<JsonNode> keepHistoryUpTo(Path metrics, long step) throws IOException {
        List<JsonNode> kept = new ArrayList<>();
        if (!Files.exists(metrics)) {
            return kept;
        }
        StringBuilder text = new StringBuilder();
        for (String line : Files.readAllLines(metrics, StandardCharsets.UTF_8)) {
            if (line.isEmpty()) {
                continue;
            }
            JsonNode n;
            try {
                n = JSON.readTree(line);
            } catch (IOException e) {
                continue; // a line cut short by a crash: past the checkpoint by definition
            }
            if (n.path("step").asLong() <= step) {
                kept.add(n);
                text.append(line).append('\n');
            }
        }
        AtomicFile.write(metrics, out -> out.write(text.toString().getBytes(StandardCharsets.UTF_8)));
        return kept;
    }

    private static void printProgress(PrintStream out, StepMetrics m, long startStep, long total, long nanos, int batch) {
        int width = 30;
        int filled = (int) (width * m.step() / total);
        double seconds = nanos / 1e9;
        long done = m.step() - startStep;
        double stepsPerSecond = done / Math.max(seconds, 1e-9);
        long etaSeconds = (long) ((total - m.step()) / Math.max(stepsPerSecond, 1e-9));
        out.printf("\r[%s%s] %d/%d %3d%% %6.1f samples/s ETA %d:%02d:%02d loss %.4f lr %.2e%s",
                "#".repeat(filled), ".".repeat(width - filled), m.step(), total, 100 * m.step() / total,
                stepsPerSecond * batch, etaSeconds / 3600, etaSeconds / 60 % 60, etaSeconds % 60, m.loss(), m.lr(),
                m.skippedSteps() > 0 ? " (" + m.skippedSteps() + " non-finite steps skipped)" : "");
        out.flush();
    }

    private static void plot(Path file, List<JsonNode> history, Trainer trainer) throws IOException {
        LinePlot.Series loss = new LinePlot.Series("train loss (mean of " + PLOT_WINDOW + " steps)");
        LinePlot.Series blank = new LinePlot.Series("eval: blank-cell accuracy");
        LinePlot.Series exact = new LinePlot.Series("eval: exact accuracy");
        LinePlot.Series first = new LinePlot.Series("eval: blank-cell accuracy after step 1");
        double sum = 0;
        int n = 0;
        for (JsonNode j : history) {
            if (j.path("eval").asBoolean(false)) {
                blank.add(j.path("step").asDouble(), j.path("blank_accuracy").asDouble());
                exact.add(j.path("step").asDouble(), j.path("exact_accuracy").asDouble());
                first.add(j.path("step").asDouble(), j.path("blank_accuracy_by_step").path(0).asDouble());
            } else {
                sum += j.path("loss").asDouble();
                if (++n == PLOT_WINDOW) {
                    loss.add(j.path("step").asDouble(), sum / n);
                    sum = 0;
                    n = 0;
                }
            }
        }
        String title = "TRM " + trainer.modelConfig().task() + " " + trainer.modelConfig().variant().name().toLowerCase()
                + " D=" + trainer.modelConfig().hiddenSize() + " T=" + trainer.modelConfig().hCycles()
                + " n=" + trainer.modelConfig().lCycles() + " N_sup=" + trainer.modelConfig().haltMaxSteps()
                + ", batch " + trainer.trainConfig().batchSize() + ", lr " + trainer.trainConfig().lr();
        LinePlot.write(file, title, List.of(loss), "training loss", List.of(blank, exact, first), "held-out accuracy (EMA weights)");
    }
}
