package dev.trm.cli;

import dev.trm.model.DjlOps;
import dev.trm.model.Presets;
import dev.trm.model.PyTorchNatives;
import dev.trm.model.TrmConfig;
import dev.trm.model.TrmParameters;
import dev.trm.train.Checkpoint;
import dev.trm.train.Evaluation;
import dev.trm.train.GeneratedSudoku;
import dev.trm.train.Recipe;
import dev.trm.train.RunPlan;
import dev.trm.train.TrainConfig;
import dev.trm.train.TrainRun;
import dev.trm.train.Trainer;
import dev.trm.train.TrainingSets;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code trm train}: trains a TRM on a Sudoku, Maze or ARC file, or on Sudoku puzzles generated on the
 * fly, with evaluation, checkpoints and a plot. A recipe names a whole run; options given on the
 * command line override it, and a recipe's later stages run one after the other as resumes of its last
 * checkpoint. {@code --resume} continues a checkpoint in its own folder (and a recipe run through its
 * stages); options given with it (a larger {@code --steps}, a new schedule) extend or change the run.
 */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train a TRM (deep supervision with the ACT carry, AdamATan2, EMA) and write checkpoint.ckpt,"
                + " metrics.jsonl and curve.png into --out.")
final class TrainCommand implements Callable<Integer> {
    /** Puzzles per evaluation batch at least (evaluation has no gradient, so it can run wider). */
    private static final int MIN_EVAL_BATCH = 64;

    @Option(names = "--recipe", description = "a named run (model, schedule, data, held-out set, later stages); see"
            + " --list-recipes. Options given with it override its values; schedule options (--steps, --lr, --lr-min-ratio,"
            + " --warmup, --halt-max-steps) replace its later stages")
    String recipeName;

    @Option(names = "--list-recipes", description = "print the recipes and exit")
    boolean listRecipes;

    @Option(names = "--preset", defaultValue = "sudoku-mlp-small",
            description = "model preset (default: ${DEFAULT-VALUE}); see `trm train --list-presets`")
    String preset;

    @Option(names = "--list-presets", description = "print the presets and exit")
    boolean listPresets;

    @Mixin
    ModelSizeOptions sizes;
    @Option(names = "--halt-max-steps", description = "override: N_sup; with --resume, continues the run "
            + "with this many supervision steps per puzzle (no weight depends on it)") Integer haltMaxSteps;

    @Option(names = "--data", description = "training set: Sudoku or Maze CSV (HRM layout), or ARC tasks (.json)")
    Path data;

    @Option(names = "--generate", paramLabel = "MIN-MAX",
            description = "train on Sudoku puzzles generated on the fly with this many givens (fresh every sample) instead of --data;"
                    + " with --resume of a generated run, continues it on this range")
    String generate;

    @Option(names = "--curriculum", defaultValue = "0", paramLabel = "STEPS",
            description = "with --generate: the fewest givens fall from MAX to MIN over these steps (default: ${DEFAULT-VALUE}, none)")
    long curriculum;

    @Option(names = "--eval-data", description = "held-out set evaluated with the EMA weights (ARC: the test pairs of --data)")
    Path evalData;

    @Option(names = "--arc-variants", defaultValue = "8",
            description = "ARC: dihedral + colour variants per task, each with its own puzzle id (default: ${DEFAULT-VALUE};"
                    + " reference 1000)")
    int arcVariants;

    @Option(names = "--arc-tasks", split = ",", paramLabel = "ID",
            description = "ARC: train on these tasks of --data only (default: all)")
    List<String> arcTasks;

    @Option(names = "--arc-train-on-test",
            description = "ARC: train on the test pairs too (a memorisation check of training, export and the vote; not a score)")
    boolean arcTrainOnTest;

    @Option(names = "--eval-limit", defaultValue = "0", description = "evaluate only the first N puzzles (0: all)")
    int evalLimit;

    @Option(names = "--no-augment", description = "train on the puzzles as given (default: the task's augmentation on the fly)")
    boolean noAugment;

    @Mixin
    ScheduleOptions schedule;

    @Option(names = "--resume", description = "continue from this checkpoint, in its folder unless -o is given; a"
            + " recipe run goes on through its recipe's stages")
    Path resume;

    @Option(names = {"-o", "--out"}, description = "output folder (default: runs/<recipe or preset>; with --resume, the checkpoint's folder)")
    Path out;

    @Option(names = "--force", description = "write into a folder that holds another run (replacing its files)")
    boolean force;

    @Mixin
    DeviceOptions device;

    @Option(names = "--threads", description = "PyTorch CPU threads (default: one per core)")
    Integer threads;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        PrintWriter stdout = spec.commandLine().getOut();
        if (listPresets || listRecipes) {
            list(stdout);
            return 0;
        }
        PyTorchNatives.require("training");
        if (threads != null) {
            DjlOps.setThreads(threads);
        }
        RunPlan.Changes changes = new RunPlan.Changes(data, generate != null ? GeneratedSudoku.Spec.parse(generate, 0) : null, evalData,
                haltMaxSteps, scheduleGiven(), b -> schedule.applyTo(b, this::given, false));
        try (RunPlan plan = new RunPlan(device.device(), force, stdout)) {
            RunPlan.Run run;
            if (resume != null) {
                rejectModelChanges();
                run = plan.resume(Checkpoint.read(resume), resume, out, changes);
            } else {
                run = started(plan, stdout);
            }
            while (run != null) {
                train(run, stdout);
                run = plan.next(run, changes); // a recipe run goes on through its later stages
            }
        }
        return 0;
    }

    /** A new run: from --recipe, or a preset with the options given. */
    private RunPlan.Run started(RunPlan plan, PrintWriter stdout) throws IOException {
        Recipe recipe = recipeName != null ? Recipe.get(recipeName) : null;
        TrmConfig model = sizes.applyTo(recipe != null && !given("--preset") ? recipe.model() : Presets.get(preset), haltMaxSteps);
        TrainConfig train = schedule.applyTo(recipe != null ? recipe.train().toBuilder() : TrainConfig.builder(), this::given,
                recipe == null).build();
        Path outDir = out != null ? out : Path.of("runs", recipe != null ? recipe.name() : preset);
        GeneratedSudoku.Spec gen = generate != null ? GeneratedSudoku.Spec.parse(generate, curriculum)
                : data == null && recipe != null ? recipe.data() : null;
        if (gen != null && given("--curriculum") && generate == null) {
            gen = new GeneratedSudoku.Spec(gen.minGivens(), gen.maxGivens(), curriculum);
        }
        RunPlan.Data what = new RunPlan.Data(data, gen, !noAugment, new TrainingSets.ArcChoice(arcVariants, arcTrainOnTest, arcTasks));
        RunPlan.Run run = plan.start(model, train, recipe, !scheduleGiven(), what, evalData, outDir);
        Trainer t = run.trainer();
        stdout.printf("training %s (%,d parameters) on %s, %d steps of batch %d, on %s, into %s%n",
                recipe != null ? "recipe " + recipe.name() : preset, new TrmParameters(t.modelConfig()).trainableCount(),
                t.samples().describe(), train.steps(), train.batchSize(), device.device(), outDir);
        if (recipe != null && !scheduleGiven() && !recipe.stages().isEmpty()) {
            stdout.printf("then %d more stages to step %d (see --list-recipes)%n", recipe.stages().size(), recipe.lastStep());
        }
        stdout.flush();
        return run;
    }

    /** Whether the command line sets the schedule itself (then a recipe's stages are not followed). */
    private boolean scheduleGiven() {
        return given("--halt-max-steps") || ScheduleOptions.SCHEDULE.stream().anyMatch(this::given);
    }

    private void train(RunPlan.Run run, PrintWriter stdout) throws IOException {
        try (Trainer t = run.trainer()) {
            RunPlan.EvaluationSet eval = RunPlan.evaluationSet(run, evalLimit);
            Evaluation last = TrainRun.run(t, new TrainRun.Options(run.outDir(), eval.rows(),
                    Math.max(t.trainConfig().batchSize(), MIN_EVAL_BATCH), eval.info(), Progress.terminalOrNull(), System.err));
            if (last != null) {
                CheckpointEvalTable.printTable(stdout, t.modelConfig(), last);
            }
            stdout.printf("wrote %s, %s and %s in %s%s%n", TrainRun.CHECKPOINT, TrainRun.METRICS, TrainRun.CURVE, run.outDir(),
                    Files.exists(run.outDir().resolve(TrainRun.BEST)) ? " (" + TrainRun.BEST + ": the best evaluation)" : "");
            stdout.flush();
        }
    }

    private void list(PrintWriter stdout) {
        if (listPresets) {
            Presets.all().forEach((name, c) -> stdout.printf("%-18s %s%n", name, describe(c)));
        }
        if (listRecipes) {
            for (Recipe r : Recipe.all().values()) {
                stdout.printf("%-16s %s%n%-16s %s; batch %d, %d steps, lr %s (min ratio %s), EMA %s; held out: %d puzzles of"
                        + " %d-%d givens (seed %d)%n", r.name(), r.summary(), "", describe(r.model()), r.train().batchSize(),
                        r.train().steps(), Recipe.plain(r.train().lr()), Recipe.plain(r.train().lrMinRatio()), Recipe.plain(r.train().emaRate()),
                        r.heldOut().count(), r.heldOut().minGivens(), r.heldOut().maxGivens(), r.heldOut().seed());
                for (Recipe.Stage st : r.stages()) {
                    stdout.printf("%-16s then to step %d: %s%n", "", st.steps(), RunPlan.describe(st));
                }
            }
        }
        stdout.flush();
    }

    private static String describe(TrmConfig c) {
        return String.format("%s %-9s D=%-4d T=%d n=%d N_sup=%-2d params=%,d", c.task(), c.variant(), c.hiddenSize(), c.hCycles(),
                c.lCycles(), c.haltMaxSteps(), new TrmParameters(c).trainableCount());
    }

    /** Whether an option was given on the command line (not just its default). */
    private boolean given(String option) {
        return spec.commandLine().getParseResult().hasMatchedOption(option);
    }

    private void rejectModelChanges() {
        for (String o : new String[] {"--recipe", "--preset", "--hidden", "--heads", "--h-cycles", "--l-cycles",
            "--seed", "--arc-variants", "--arc-tasks", "--arc-train-on-test", "--curriculum", "--no-augment"}) {
            if (given(o)) {
                throw new IllegalArgumentException(o + " cannot change on resume: the checkpoint fixes the model and its data stream");
            }
        }
    }
}
