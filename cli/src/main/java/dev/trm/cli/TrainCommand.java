package dev.trm.cli;

import ai.djl.Device;
import ai.djl.engine.Engine;
import dev.trm.data.ArcSet;
import dev.trm.data.PuzzleSet;
import dev.trm.model.DjlOps;
import dev.trm.model.Presets;
import dev.trm.model.TrmConfig;
import dev.trm.train.Checkpoint;
import dev.trm.train.Evaluation;
import dev.trm.train.Losses;
import dev.trm.train.Optimizer;
import dev.trm.train.PuzzleSamples;
import dev.trm.train.TrainConfig;
import dev.trm.train.TrainRun;
import dev.trm.train.Trainer;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code trm train}: trains a TRM preset on a Sudoku or Maze set, with evaluation, checkpoints and a plot. */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train a TRM (deep supervision with the ACT carry, AdamATan2, EMA) and write checkpoint.ckpt,"
                + " metrics.jsonl and curve.png into --out.")
final class TrainCommand implements Callable<Integer> {
    @Option(names = "--preset", defaultValue = "sudoku-mlp-small",
            description = "model preset (default: ${DEFAULT-VALUE}); see `trm train --list-presets`")
    String preset;

    @Option(names = "--list-presets", description = "print the presets and exit")
    boolean listPresets;

    @Option(names = "--hidden", description = "override: hidden size D") Integer hidden;
    @Option(names = "--heads", description = "override: attention heads") Integer heads;
    @Option(names = "--h-cycles", description = "override: T") Integer hCycles;
    @Option(names = "--l-cycles", description = "override: n") Integer lCycles;
    @Option(names = "--halt-max-steps", description = "override: N_sup") Integer haltMaxSteps;

    @Option(names = "--data", description = "training set: Sudoku or Maze CSV (HRM layout), or ARC tasks (.json)")
    Path data;

    @Option(names = "--eval-data", description = "held-out set evaluated with the EMA weights (ARC: the test pairs of --data)")
    Path evalData;

    @Option(names = "--arc-variants", defaultValue = "8",
            description = "ARC: dihedral + colour variants per task, each with its own puzzle id (default: ${DEFAULT-VALUE};"
                    + " reference 1000)")
    int arcVariants;

    @Option(names = "--eval-limit", defaultValue = "0", description = "evaluate only the first N puzzles (0: all)")
    int evalLimit;

    @Option(names = "--no-augment", description = "train on the puzzles as given (default: the task's augmentation on the fly)")
    boolean noAugment;

    @Option(names = "--steps", defaultValue = "3000", description = "optimizer steps (default: ${DEFAULT-VALUE})") long steps;
    @Option(names = "--batch", defaultValue = "64", description = "batch size (default: ${DEFAULT-VALUE})") int batch;
    @Option(names = "--lr", defaultValue = "1e-3", description = "learning rate (default: ${DEFAULT-VALUE}; reference 1e-4)") float lr;
    @Option(names = "--warmup", defaultValue = "100", description = "warm-up steps (default: ${DEFAULT-VALUE}; reference 2000)") long warmup;
    @Option(names = "--weight-decay", defaultValue = "0.1", description = "(default: ${DEFAULT-VALUE}; reference 1.0)") float weightDecay;
    @Option(names = "--puzzle-emb-lr", defaultValue = "1e-2", description = "(default: ${DEFAULT-VALUE})") float puzzleEmbLr;
    @Option(names = "--puzzle-emb-weight-decay", defaultValue = "0.1", description = "(default: ${DEFAULT-VALUE})") float puzzleEmbWd;
    @Option(names = "--ema", defaultValue = "0.995", description = "EMA rate, 0 = off (default: ${DEFAULT-VALUE}; reference 0.999)") float ema;
    @Option(names = "--halt-exploration", defaultValue = "0.1", description = "(default: ${DEFAULT-VALUE})") float exploration;
    @Option(names = "--optimizer", defaultValue = "ADAM_ATAN2", description = "ADAM_ATAN2 or ADAMW (default: ${DEFAULT-VALUE})")
    Optimizer.Kind optimizer;
    @Option(names = "--loss", defaultValue = "STABLEMAX", description = "STABLEMAX or SOFTMAX (default: ${DEFAULT-VALUE})")
    Losses.CrossEntropy loss;
    @Option(names = "--seed", defaultValue = "0", description = "(default: ${DEFAULT-VALUE})") long seed;
    @Option(names = "--eval-every", defaultValue = "500", description = "steps between evaluations and checkpoints (default: ${DEFAULT-VALUE})")
    long evalEvery;

    @Option(names = "--resume", description = "continue from this checkpoint (its configs win)")
    Path resume;

    @Option(names = {"-o", "--out"}, description = "output folder (default: runs/<preset>)")
    Path out;

    @Option(names = "--device", defaultValue = "cpu", description = "cpu or gpu (default: ${DEFAULT-VALUE})")
    String device;

    @Option(names = "--threads", description = "PyTorch CPU threads (default: one per core)")
    Integer threads;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        PrintWriter stdout = spec.commandLine().getOut();
        if (listPresets) {
            Presets.all().forEach((name, c) -> stdout.printf("%-18s %s %-9s D=%-4d T=%d n=%d N_sup=%-2d params=%,d%n", name, c.task(),
                    c.variant(), c.hiddenSize(), c.hCycles(), c.lCycles(), c.haltMaxSteps(),
                    new dev.trm.model.TrmParameters(c).trainableCount()));
            stdout.flush();
            return 0;
        }
        if (data == null) {
            throw new IllegalArgumentException("--data is required (a Sudoku or Maze CSV, or ARC tasks as JSON)");
        }
        Device dev = device(device);
        if (threads != null) {
            DjlOps.setThreads(threads);
        }
        Path outDir = out != null ? out : Path.of("runs", preset);
        Trainer trainer;
        Map<String, String> info = new LinkedHashMap<>();
        info.put("data", data.toString());
        if (resume != null) {
            Checkpoint c = Checkpoint.read(resume);
            trainer = Trainer.resume(c, samples(c.model().task(), data, !noAugment, c.train().seed(), arcVariants(c)), dev);
            stdout.printf("resuming %s at step %d of %d%n", resume, c.step(), c.train().steps());
            info.putAll(c.info());
        } else {
            TrmConfig model = overrides(Presets.get(preset));
            TrainConfig train = new TrainConfig(batch, steps, lr, warmup, weightDecay, 0.9f, 0.95f, puzzleEmbLr, puzzleEmbWd,
                    ema, exploration, 0.5f, loss, optimizer, seed, evalEvery);
            PuzzleSamples samples = samples(model.task(), data, !noAugment, seed, arcVariants);
            if (model.task().equals(ARC)) {
                model = model.withPuzzleIds(samples.numPuzzleIds());
                info.put(ARC_VARIANTS, Integer.toString(arcVariants));
            }
            trainer = new Trainer(model, train, samples, dev);
            stdout.printf("training %s (%,d parameters) on %d %s puzzles from %s, %d steps of batch %d, on %s%n", preset,
                    new dev.trm.model.TrmParameters(model).trainableCount(), samples.size(), model.task(), data, steps, batch, dev);
        }
        stdout.flush();
        try (Trainer t = trainer) {
            List<PuzzleSamples.Sample> eval = null;
            if (t.modelConfig().task().equals(ARC)) {
                if (evalData != null) {
                    throw new IllegalArgumentException("--eval-data does not apply to ARC: a task's puzzle ids are learned, so "
                            + "evaluation runs on the held-out test pairs of --data");
                }
                eval = t.samples().heldOut();
                if (evalLimit > 0 && evalLimit < eval.size()) {
                    eval = eval.subList(0, evalLimit);
                }
                info.put("eval_data", data + " test pairs (" + eval.size() + ")");
            } else if (evalData != null) {
                eval = samples(t.modelConfig().task(), evalData, false, 0, 0).originals();
                if (evalLimit > 0 && evalLimit < eval.size()) {
                    eval = eval.subList(0, evalLimit);
                }
                info.put("eval_data", evalData + " (" + eval.size() + " puzzles)");
            }
            Evaluation last = TrainRun.run(t, new TrainRun.Options(outDir, eval, Math.max(t.trainConfig().batchSize(), 64), info,
                    System.err));
            if (last != null) {
                EvalCommand.printTable(stdout, t.modelConfig(), last);
            }
            stdout.printf("wrote %s, %s and %s in %s%n", TrainRun.CHECKPOINT, TrainRun.METRICS, TrainRun.CURVE, outDir);
            stdout.flush();
        }
        return 0;
    }

    private TrmConfig overrides(TrmConfig c) {
        TrmConfig r = c;
        if (hidden != null || heads != null) {
            r = r.withHiddenSize(hidden != null ? hidden : r.hiddenSize(), heads != null ? heads : r.heads());
        }
        if (hCycles != null || lCycles != null || haltMaxSteps != null) {
            r = r.withCycles(hCycles != null ? hCycles : r.hCycles(), lCycles != null ? lCycles : r.lCycles(),
                    haltMaxSteps != null ? haltMaxSteps : r.haltMaxSteps());
        }
        return r;
    }

    /** Loads a labelled set for a task, checking that the file holds that task. */
    static final String ARC = "arc";
    /** Checkpoint info key: the ARC variants per task, which fix the puzzle ids. */
    static final String ARC_VARIANTS = "arc_variants";

    /** A training set; for ARC, {@code arcVariants} and {@code seed} decide the puzzle ids. */
    static PuzzleSamples samples(String task, Path file, boolean augment, long seed, int arcVariants) {
        String found = PuzzleSet.detectTask(file);
        if (!found.equals(task)) {
            throw new IllegalArgumentException(file + " holds " + found + " puzzles but the model is for " + task);
        }
        switch (task) {
            case "sudoku": return PuzzleSamples.sudoku(PuzzleSet.readSudoku(file), augment, seed);
            case "maze": return PuzzleSamples.maze(PuzzleSet.readMaze(file), augment, seed);
            case ARC: return PuzzleSamples.arc(ArcSet.read(file), arcVariants, augment, seed);
            default: throw new IllegalArgumentException("training on task '" + task + "' is not supported (sudoku, maze, arc)");
        }
    }

    /** The rows to evaluate a checkpoint on: the puzzles of {@code file}, or for ARC its held-out test pairs. */
    static List<PuzzleSamples.Sample> evaluationRows(Checkpoint c, Path file) {
        if (c.model().task().equals(ARC)) {
            return samples(ARC, file, false, c.train().seed(), arcVariants(c)).heldOut();
        }
        return samples(c.model().task(), file, false, 0, 0).originals();
    }

    private static int arcVariants(Checkpoint c) {
        String v = c.info().get(ARC_VARIANTS);
        return v == null ? 0 : Integer.parseInt(v);
    }

    /** The DJL device for a --device value; a GPU that is not there is a clear error. */
    static Device device(String name) {
        switch (name) {
            case "cpu":
                return Device.cpu();
            case "gpu": {
                int gpus = Engine.getInstance().getGpuCount();
                if (gpus == 0) {
                    throw new IllegalArgumentException("--device gpu: no CUDA GPU is visible to PyTorch "
                            + Engine.getInstance().getVersion() + " with the natives on the classpath (this build has the "
                            + "CPU natives unless it was built with `mvn -Pcuda`, and a CUDA 12 driver is needed)");
                }
                return Device.gpu();
            }
            default:
                throw new IllegalArgumentException("--device: expected cpu or gpu, got '" + name + "'");
        }
    }
}
