package dev.trm.cli;

import dev.trm.data.PuzzleCsv;
import dev.trm.data.PuzzleSet;
import dev.trm.model.DjlOps;
import dev.trm.model.Presets;
import dev.trm.model.TrmConfig;
import dev.trm.model.TrmParameters;
import dev.trm.task.sudoku.SudokuGenerator;
import dev.trm.train.Checkpoint;
import dev.trm.train.Evaluation;
import dev.trm.train.GeneratedSudoku;
import dev.trm.train.Losses;
import dev.trm.train.Optimizer;
import dev.trm.train.PuzzleSamples;
import dev.trm.train.Recipe;
import dev.trm.train.RunLock;
import dev.trm.train.SampleSource;
import dev.trm.train.TrainConfig;
import dev.trm.train.TrainRun;
import dev.trm.train.Trainer;
import java.io.IOException;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
    /** Checkpoint info keys: how to rebuild the training stream and the held-out set on resume. */
    static final String INFO_DATA = "data";
    static final String INFO_DATA_FILE = "data_file";
    static final String INFO_GENERATE = "generate";
    static final String INFO_CURRICULUM = "curriculum";
    static final String INFO_AUGMENT = "augment";
    static final String INFO_EVAL_FILE = "eval_file";
    static final String INFO_RECIPE = "recipe";
    static final String INFO_N_SUP_HISTORY = "n_sup_changes";
    static final String INFO_GENERATE_HISTORY = "generate_changes";
    /** Checkpoint info key: "true" when the run goes on through its recipe's later stages. */
    static final String INFO_RECIPE_STAGES = "recipe_stages";
    /** Checkpoint info key: the puzzle-embedding rows' names (ARC), one per line, carried into the export. */
    static final String INFO_IDENTIFIERS = "puzzle_identifiers";
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

    @Option(names = "--hidden", description = "override: hidden size D") Integer hidden;
    @Option(names = "--heads", description = "override: attention heads") Integer heads;
    @Option(names = "--h-cycles", description = "override: T") Integer hCycles;
    @Option(names = "--l-cycles", description = "override: n") Integer lCycles;
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

    @Option(names = "--steps", defaultValue = "3000", description = "optimizer steps (default: ${DEFAULT-VALUE}); with --resume,"
            + " a larger value extends the run") long steps;
    @Option(names = "--batch", defaultValue = "64", description = "batch size (default: ${DEFAULT-VALUE})") int batch;
    @Option(names = "--lr", defaultValue = "1e-3", description = "learning rate (default: ${DEFAULT-VALUE}; reference 1e-4)") float lr;
    @Option(names = "--warmup", defaultValue = "100", description = "warm-up steps (default: ${DEFAULT-VALUE}; reference 2000)") long warmup;
    @Option(names = "--lr-min-ratio", defaultValue = "1",
            description = "cosine decay after warm-up to lr x this at the last step (default: ${DEFAULT-VALUE}, constant, as the reference)")
    float lrMinRatio;
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

    @Option(names = "--resume", description = "continue from this checkpoint, in its folder unless -o is given; a"
            + " recipe run goes on through its recipe's stages")
    Path resume;

    @Option(names = {"-o", "--out"}, description = "output folder (default: runs/<recipe or preset>; with --resume, the checkpoint's folder)")
    Path out;

    @Option(names = "--force", description = "write into a folder that holds another run (replacing its files)")
    boolean force;

    @Mixin
    DeviceSettings device;

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
        if (threads != null) {
            DjlOps.setThreads(threads);
        }
        try {
            Run run;
            if (resume != null) {
                rejectModelChanges();
                run = resumed(Checkpoint.read(resume), resume, out, stdout);
            } else {
                run = started(stdout);
            }
            while (run != null) {
                train(run, stdout);
                // a recipe run goes on through the recipe's later stages, each a resume of the last checkpoint
                Checkpoint last = Checkpoint.read(run.outDir().resolve(TrainRun.CHECKPOINT));
                run = !scheduleGiven() && nextStage(last) != null
                        ? resumed(last, run.outDir().resolve(TrainRun.CHECKPOINT), run.outDir(), stdout) : null;
            }
        } finally {
            if (lock != null) {
                lock.close();
            }
        }
        return 0;
    }

    /** A trainer ready to run in its folder, with its held-out set and the provenance its checkpoints carry. */
    private record Run(Trainer trainer, Path outDir, Path evalFile, Map<String, String> info) {
    }

    /** Held while this command writes into a run folder. */
    private RunLock lock;

    /** A new run: from --recipe, or a preset with the options given. */
    private Run started(PrintWriter stdout) throws IOException {
        Map<String, String> info = new LinkedHashMap<>();
        Recipe recipe = recipeName != null ? Recipe.get(recipeName) : null;
        TrmConfig model = overrides(recipe != null && !given("--preset") ? recipe.model() : Presets.get(preset));
        TrainConfig train = trainConfig(recipe != null ? recipe.train().toBuilder() : TrainConfig.builder(), recipe == null);
        Path outDir = out != null ? out : Path.of("runs", recipe != null ? recipe.name() : preset);
        lockFolder(outDir);
        refuseToReplaceAnotherRun(outDir);
        SampleSource samples = freshSource(model, train, recipe, info);
        if (model.task().equals(TrainingData.ARC)) {
            model = model.withPuzzleIds(samples.numPuzzleIds());
            info.put(TrainingData.ARC_VARIANTS, Integer.toString(arcVariants));
            info.put(TrainingData.ARC_TRAIN_ON_TEST, Boolean.toString(arcTrainOnTest));
            if (arcTasks != null) {
                info.put(TrainingData.ARC_TASKS, String.join(",", arcTasks));
            }
        }
        Path evalFile = evalData;
        if (evalFile == null && recipe != null && model.task().equals("sudoku")) {
            evalFile = writeHeldOut(outDir, recipe.heldOut());
        }
        if (recipe != null) {
            info.put(INFO_RECIPE, recipe.name());
            info.put(INFO_RECIPE_STAGES, Boolean.toString(!scheduleGiven()));
        }
        Trainer trainer = new Trainer(model, train, samples, device.device());
        stdout.printf("training %s (%,d parameters) on %s, %d steps of batch %d, on %s, into %s%n",
                recipe != null ? "recipe " + recipe.name() : preset, new TrmParameters(model).trainableCount(),
                samples.describe(), train.steps(), train.batchSize(), device.device(), outDir);
        if (recipe != null && !scheduleGiven() && !recipe.stages().isEmpty()) {
            stdout.printf("then %d more stages to step %d (see --list-recipes)%n", recipe.stages().size(), recipe.lastStep());
        }
        stdout.flush();
        return new Run(trainer, outDir, evalFile, info);
    }

    /**
     * A run continued from checkpoint {@code c} (read from {@code from}) into {@code outDir} (null: the
     * checkpoint's folder): with the schedule options given, or else the recipe's next stage when the
     * run follows one. Null when there is nothing left to train.
     */
    private Run resumed(Checkpoint c, Path from, Path outDir, PrintWriter stdout) throws IOException {
        c.requireFinite();
        Recipe.Stage stage = scheduleGiven() ? null : nextStage(c);
        Integer nSup = stage != null ? Integer.valueOf(stage.haltMaxSteps()) : haltMaxSteps;
        Map<String, String> info = new LinkedHashMap<>(c.info());
        if (generate != null && (data != null || !info.containsKey(INFO_GENERATE))) {
            throw new IllegalArgumentException("--generate on resume changes the givens of a run trained on generated puzzles;"
                    + " this run trains on " + info.getOrDefault(INFO_DATA, "a file"));
        }
        GeneratedSudoku.Spec givens = generate != null ? GeneratedSudoku.Spec.parse(generate, 0)
                : stage != null ? stage.givens() : null;
        if (givens != null && !givens.toString().equals(info.get(INFO_GENERATE))) {
            // a later stage on other puzzles; any curriculum is over: the new range holds from this step on
            stdout.printf("givens %s -> %s from step %d%n", info.get(INFO_GENERATE), givens, c.step());
            info.merge(INFO_GENERATE_HISTORY, "givens " + givens + " from step " + c.step(), (a, b) -> a + "; " + b);
            recordGenerated(info, givens, Boolean.parseBoolean(info.getOrDefault(INFO_AUGMENT, "true")));
        }
        if (nSup != null && nSup != c.model().haltMaxSteps()) {
            stdout.printf("N_sup %d -> %d from step %d%n", c.model().haltMaxSteps(), nSup, c.step());
            c = c.withHaltMaxSteps(nSup);
            info.merge(INFO_N_SUP_HISTORY, "N_sup " + nSup + " from step " + c.step(), (a, b) -> a + "; " + b);
        }
        Path dir = outDir != null ? outDir : parentOf(from);
        if (!sameFolder(dir, parentOf(from))) {
            refuseToReplaceAnotherRun(dir);
        }
        TrainConfig train = trainConfig((stage != null ? stage.applyTo(c.train()) : c.train()).toBuilder(), false);
        if (train.batchSize() != c.train().batchSize()) {
            throw new IllegalArgumentException("--batch cannot change on resume (the checkpoint's ACT carry has "
                    + c.train().batchSize() + " slots)");
        }
        if (c.step() >= train.steps()) {
            stdout.printf("%s is complete at step %d of %d: nothing to train (give --steps above %d to continue)%n", from,
                    c.step(), train.steps(), c.step());
            stdout.flush();
            return null;
        }
        lockFolder(dir);
        if (!sameFolder(dir, parentOf(from))) {
            TrainRun.carryHistory(parentOf(from), dir);
        }
        SampleSource samples = resumedSource(c, info, train);
        Trainer trainer = Trainer.resume(c, train, samples, device.device());
        Path evalFile = evalData != null ? evalData : info.containsKey(INFO_EVAL_FILE) ? Path.of(info.get(INFO_EVAL_FILE)) : null;
        if (evalData == null && info.containsKey(INFO_RECIPE) && (evalFile == null || !Files.exists(evalFile))) {
            // a recipe's held-out set is made from its seed: on another machine it is made again, identically
            evalFile = writeHeldOut(dir, Recipe.get(info.get(INFO_RECIPE)).heldOut());
        }
        stdout.printf("resuming %s at step %d of %d into %s%s%n", from, c.step(), train.steps(), dir,
                stage != null ? " (recipe " + info.get(INFO_RECIPE) + ": " + describe(stage) + ")" : "");
        stdout.flush();
        return new Run(trainer, dir, evalFile, info);
    }

    /** The recipe stage that continues checkpoint {@code c}, when its run follows a recipe's stages (null: none). */
    private static Recipe.Stage nextStage(Checkpoint c) {
        String recipe = c.info().get(INFO_RECIPE);
        if (recipe == null || !Boolean.parseBoolean(c.info().get(INFO_RECIPE_STAGES))) {
            return null;
        }
        return Recipe.get(recipe).stageAfter(c.step());
    }

    /** Whether the command line sets the schedule itself (then a recipe's stages are not followed). */
    private boolean scheduleGiven() {
        for (String o : new String[] {"--steps", "--lr", "--lr-min-ratio", "--warmup", "--halt-max-steps"}) {
            if (given(o)) {
                return true;
            }
        }
        return false;
    }

    private void lockFolder(Path outDir) throws IOException {
        if (lock == null) {
            lock = RunLock.acquire(outDir);
        }
    }

    private void train(Run run, PrintWriter stdout) throws IOException {
        try (Trainer t = run.trainer()) {
            List<PuzzleSamples.Sample> eval = evaluationSet(t, run.evalFile(), run.info());
            Evaluation last = TrainRun.run(t, new TrainRun.Options(run.outDir(), eval,
                    Math.max(t.trainConfig().batchSize(), MIN_EVAL_BATCH), run.info(), Progress.terminalOrNull(), System.err));
            if (last != null) {
                EvalCommand.printTable(stdout, t.modelConfig(), last);
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
                        r.train().steps(), plain(r.train().lr()), plain(r.train().lrMinRatio()), plain(r.train().emaRate()),
                        r.heldOut().count(), r.heldOut().minGivens(), r.heldOut().maxGivens(), r.heldOut().seed());
                for (Recipe.Stage st : r.stages()) {
                    stdout.printf("%-16s then to step %d: %s%n", "", st.steps(), describe(st));
                }
            }
        }
        stdout.flush();
    }

    private static String describe(Recipe.Stage st) {
        return String.format("lr %s (min ratio %s), N_sup %d%s", plain(st.lr()), plain(st.lrMinRatio()), st.haltMaxSteps(),
                st.givens() != null ? ", givens " + st.givens() : "");
    }

    /** A rate as written in a recipe: 0.0007, not 7.00000e-04. */
    private static String plain(float v) {
        return new BigDecimal(Float.toString(v)).stripTrailingZeros().toPlainString();
    }

    private static String describe(TrmConfig c) {
        return String.format("%s %-9s D=%-4d T=%d n=%d N_sup=%-2d params=%,d", c.task(), c.variant(), c.hiddenSize(), c.hCycles(),
                c.lCycles(), c.haltMaxSteps(), new TrmParameters(c).trainableCount());
    }

    /** Whether an option was given on the command line (not just its default). */
    private boolean given(String option) {
        return spec.commandLine().getParseResult().hasMatchedOption(option);
    }

    /**
     * The training config: every option's value for a plain run; for a recipe or a resumed run, only
     * the options given on the command line change the base.
     */
    private TrainConfig trainConfig(TrainConfig.Builder b, boolean allOptions) {
        if (allOptions || given("--batch")) {
            b.batchSize(batch);
        }
        if (allOptions || given("--steps")) {
            b.steps(steps);
        }
        if (allOptions || given("--lr")) {
            b.lr(lr);
        }
        if (allOptions || given("--warmup")) {
            b.warmupSteps(warmup);
        }
        if (allOptions || given("--lr-min-ratio")) {
            b.lrMinRatio(lrMinRatio);
        }
        if (allOptions || given("--weight-decay")) {
            b.weightDecay(weightDecay);
        }
        if (allOptions || given("--puzzle-emb-lr")) {
            b.puzzleEmbLr(puzzleEmbLr);
        }
        if (allOptions || given("--puzzle-emb-weight-decay")) {
            b.puzzleEmbWeightDecay(puzzleEmbWd);
        }
        if (allOptions || given("--ema")) {
            b.emaRate(ema);
        }
        if (allOptions || given("--halt-exploration")) {
            b.haltExplorationProb(exploration);
        }
        if (allOptions || given("--optimizer")) {
            b.optimizer(optimizer);
        }
        if (allOptions || given("--loss")) {
            b.crossEntropy(loss);
        }
        if (allOptions || given("--seed")) {
            b.seed(seed);
        }
        if (allOptions || given("--eval-every")) {
            b.evalInterval(evalEvery);
        }
        return b.build();
    }

    private void rejectModelChanges() {
        for (String o : new String[] {"--recipe", "--preset", "--hidden", "--heads", "--h-cycles", "--l-cycles",
            "--seed", "--arc-variants", "--arc-tasks", "--arc-train-on-test", "--curriculum", "--no-augment"}) {
            if (given(o)) {
                throw new IllegalArgumentException(o + " cannot change on resume: the checkpoint fixes the model and its data stream");
            }
        }
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

    /** The training stream of a new run: --generate, --data, or the recipe's generated stream. */
    private SampleSource freshSource(TrmConfig model, TrainConfig train, Recipe recipe, Map<String, String> info) {
        if (generate != null && data != null) {
            throw new IllegalArgumentException("give --data or --generate, not both");
        }
        GeneratedSudoku.Spec gen = generate != null ? GeneratedSudoku.Spec.parse(generate, curriculum)
                : data == null && recipe != null ? recipe.data() : null;
        if (gen != null) {
            if (given("--curriculum") && generate == null) {
                gen = new GeneratedSudoku.Spec(gen.minGivens(), gen.maxGivens(), curriculum);
            }
            if (!model.task().equals("sudoku")) {
                throw new IllegalArgumentException("--generate makes Sudoku puzzles, but the model is for " + model.task());
            }
            recordGenerated(info, gen, !noAugment);
            return new GeneratedSudoku(gen, train.batchSize(), train.seed(), !noAugment);
        }
        if (data == null) {
            throw new IllegalArgumentException("--data (a Sudoku or Maze CSV, or ARC tasks as JSON), --generate or --recipe is required");
        }
        info.put(INFO_DATA, data.toString());
        info.put(INFO_DATA_FILE, data.toString());
        info.put(INFO_AUGMENT, Boolean.toString(!noAugment));
        return TrainingData.samples(model.task(), data, !noAugment, train.seed(), new TrainingData.ArcChoice(arcVariants, arcTrainOnTest, arcTasks));
    }

    private static void recordGenerated(Map<String, String> info, GeneratedSudoku.Spec gen, boolean augment) {
        info.put(INFO_DATA, "generated Sudoku, givens " + gen + (gen.curriculumSteps() > 0
                ? " (curriculum over " + gen.curriculumSteps() + " steps)" : ""));
        info.put(INFO_GENERATE, gen.toString());
        info.put(INFO_CURRICULUM, Long.toString(gen.curriculumSteps()));
        info.put(INFO_AUGMENT, Boolean.toString(augment));
    }

    /** The training stream of a resumed run, rebuilt from the checkpoint's info (or a --data given now). */
    private SampleSource resumedSource(Checkpoint c, Map<String, String> info, TrainConfig train) {
        String task = c.model().task();
        boolean augment = Boolean.parseBoolean(info.getOrDefault(INFO_AUGMENT, "true"));
        if (data == null && info.containsKey(INFO_GENERATE)) {
            GeneratedSudoku.Spec gen = GeneratedSudoku.Spec.parse(info.get(INFO_GENERATE),
                    Long.parseLong(info.getOrDefault(INFO_CURRICULUM, "0")));
            return new GeneratedSudoku(gen, train.batchSize(), train.seed(), augment);
        }
        Path file = data;
        if (file == null) {
            String recorded = info.getOrDefault(INFO_DATA_FILE, info.get(INFO_DATA));
            if (recorded == null || !Files.exists(Path.of(recorded))) {
                throw new IllegalArgumentException("--data is needed: the checkpoint's training file "
                        + (recorded == null ? "is not recorded" : recorded + " is not there"));
            }
            file = Path.of(recorded);
        }
        info.put(INFO_DATA, file.toString());
        info.put(INFO_DATA_FILE, file.toString());
        return TrainingData.samples(task, file, augment, train.seed(), TrainingData.ArcChoice.of(c));
    }

    /** Writes the recipe's held-out set into the run folder (once) and returns its path. */
    private static Path writeHeldOut(Path outDir, Recipe.HeldOut h) throws IOException {
        Path file = outDir.resolve(h.fileName());
        if (!Files.exists(file)) {
            Files.createDirectories(outDir);
            PuzzleCsv.write(file, PuzzleSet.generateSudoku(h.count(), SudokuGenerator.Difficulty.givens(h.minGivens(), h.maxGivens()),
                    h.seed()));
        }
        return file;
    }

    private List<PuzzleSamples.Sample> evaluationSet(Trainer t, Path evalFile, Map<String, String> info) {
        List<PuzzleSamples.Sample> eval;
        if (t.modelConfig().task().equals(TrainingData.ARC)) {
            info.put(INFO_IDENTIFIERS, String.join("\n", t.samples().identifiers()));
            if (evalData != null) {
                throw new IllegalArgumentException("--eval-data does not apply to ARC: a task's puzzle ids are learned, so "
                        + "evaluation runs on the held-out test pairs of --data");
            }
            eval = limit(t.samples().heldOut());
            info.put("eval_data", info.get(INFO_DATA) + " test pairs (" + eval.size() + ")");
            return eval;
        }
        if (evalFile == null) {
            return null;
        }
        eval = limit(TrainingData.samples(t.modelConfig().task(), evalFile, false, 0, 0).originals());
        info.put(INFO_EVAL_FILE, evalFile.toString());
        info.put("eval_data", evalFile + " (" + eval.size() + " puzzles)");
        return eval;
    }

    private List<PuzzleSamples.Sample> limit(List<PuzzleSamples.Sample> rows) {
        if (evalLimit < 0) {
            throw new IllegalArgumentException("--eval-limit must be 0 (all) or more, got " + evalLimit);
        }
        return evalLimit > 0 && evalLimit < rows.size() ? rows.subList(0, evalLimit) : rows;
    }

    /** Refuses a folder that holds another run's files, unless --force. */
    private void refuseToReplaceAnotherRun(Path outDir) {
        if (force) {
            return;
        }
        for (String f : new String[] {TrainRun.CHECKPOINT, TrainRun.METRICS}) {
            if (Files.exists(outDir.resolve(f))) {
                throw new IllegalArgumentException(outDir + " already holds a run (" + f + "); resume it with --resume "
                        + outDir.resolve(TrainRun.CHECKPOINT) + ", pick another -o, or give --force to replace it");
            }
        }
    }

    private static Path parentOf(Path file) {
        Path p = file.toAbsolutePath().getParent();
        return p != null ? p : Path.of(".");
    }

    private static boolean sameFolder(Path a, Path b) {
        return a.toAbsolutePath().normalize().equals(b.toAbsolutePath().normalize());
    }
}
