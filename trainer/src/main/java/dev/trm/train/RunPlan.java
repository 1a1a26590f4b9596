package dev.trm.train;

import ai.djl.Device;
import dev.trm.data.PuzzleCsv;
import dev.trm.data.PuzzleSet;
import dev.trm.data.SudokuGenerator;
import dev.trm.model.TrmConfig;
import dev.trm.task.TaskKind;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * How a training run is set up: a new run in its folder (from a recipe or a model and schedule), a
 * run resumed from a checkpoint (the same data stream rebuilt from what the checkpoint recorded, with
 * the changes asked for), and a recipe run's next stage, each a resume of the last checkpoint. It
 * holds the folder's {@link RunLock} from the first run it sets up until it is closed. What it
 * decides on the way (N_sup or givens changed, nothing left to train) is written to {@code notes}.
 */
public final class RunPlan implements AutoCloseable {
    /** A trainer ready to run in its folder, with its held-out set and the information its checkpoints carry. */
    public record Run(Trainer trainer, Path outDir, Path evalFile, RunInfo info) {
    }

    /**
     * What the command line asks of a resumed run; null or false where it asks nothing.
     *
     * @param data          another training file
     * @param generate      another givens range (a generated run only)
     * @param evalData      another held-out file
     * @param haltMaxSteps  another N_sup
     * @param scheduleGiven whether the schedule was given (then a recipe's later stages are not followed)
     * @param schedule      the schedule options given, applied over the checkpoint's (or the stage's) training config
     */
    public record Changes(Path data, GeneratedSudoku.Spec generate, Path evalData, Integer haltMaxSteps, boolean scheduleGiven,
                          UnaryOperator<TrainConfig.Builder> schedule) {
    }

    /** What a new run trains on: a file, or generated Sudoku; for ARC, which puzzle ids. */
    public record Data(Path file, GeneratedSudoku.Spec generate, boolean augment, TrainingSets.ArcChoice arc) {
    }

    private final Device device;
    private final boolean force;
    private final PrintWriter notes;
    private RunLock lock;

    /**
     * @param force write into a folder that holds another run (replacing its files)
     * @param notes where decisions are reported
     */
    public RunPlan(Device device, boolean force, PrintWriter notes) {
        this.device = device;
        this.force = force;
        this.notes = notes;
    }

    /**
     * A new run into {@code outDir}.
     *
     * @param recipe        the recipe it starts from (null: none); its held-out set is made when {@code evalData} is null
     * @param followsStages whether it goes on through the recipe's later stages
     */
    public Run start(TrmConfig model, TrainConfig train, Recipe recipe, boolean followsStages, Data data, Path evalData,
                     Path outDir) throws IOException {
        lockFolder(outDir);
        refuseToReplaceAnotherRun(outDir);
        RunInfo.Builder info = new RunInfo.Builder();
        SampleSource samples = source(model, train, data, info);
        if (TaskKind.ARC.is(model.task())) {
            model = model.withPuzzleIds(samples.numPuzzleIds());
            info.arc(data.arc().variants(), data.arc().trainOnTest(), data.arc().tasks());
        }
        Path evalFile = evalData;
        if (evalFile == null && recipe != null && TaskKind.SUDOKU.is(model.task())) {
            evalFile = writeHeldOut(outDir, recipe.heldOut());
        }
        if (recipe != null) {
            info.recipe(recipe.name(), followsStages);
        }
        Trainer trainer = new Trainer(model, train, samples, device);
        return new Run(trainer, outDir, evalFile, info.build());
    }

    private static SampleSource source(TrmConfig model, TrainConfig train, Data data, RunInfo.Builder info) {
        if (data.generate() != null && data.file() != null) {
            throw new IllegalArgumentException("give --data or --generate, not both");
        }
        if (data.generate() != null) {
            if (!TaskKind.SUDOKU.is(model.task())) {
                throw new IllegalArgumentException("--generate makes Sudoku puzzles, but the model is for " + model.task());
            }
            info.generated(data.generate().toString(), data.generate().curriculumSteps(), data.augment());
            return new GeneratedSudoku(data.generate(), train.batchSize(), train.seed(), data.augment());
        }
        if (data.file() == null) {
            throw new IllegalArgumentException("--data (a Sudoku or Maze CSV, or ARC tasks as JSON), --generate or --recipe is required");
        }
        info.dataFile(data.file().toString(), data.augment());
        return TrainingSets.samples(model.task(), data.file(), data.augment(), train.seed(), data.arc());
    }

    /**
     * A run continued from checkpoint {@code c} (read from {@code from}) into {@code outDir} (null: the
     * checkpoint's folder), with {@code changes}, or else the recipe's next stage when the run follows
     * one. Null when there is nothing left to train.
     */
    public Run resume(Checkpoint c, Path from, Path outDir, Changes changes) throws IOException {
        c.requireFinite();
        Recipe.Stage stage = changes.scheduleGiven() ? null : nextStage(c);
        RunInfo.Builder info = c.info().toBuilder();
        c = withGivensAndNSup(c, stage, changes, info);
        Path dir = outDir != null ? outDir : parentOf(from);
        boolean sameFolder = sameFolder(dir, parentOf(from));
        if (!sameFolder) {
            refuseToReplaceAnotherRun(dir);
        }
        TrainConfig train = changes.schedule().apply((stage != null ? stage.applyTo(c.train()) : c.train()).toBuilder()).build();
        if (train.batchSize() != c.train().batchSize()) {
            throw new IllegalArgumentException("--batch cannot change on resume (the checkpoint's ACT carry has "
                    + c.train().batchSize() + " slots)");
        }
        if (c.step() >= train.steps()) {
            notes.printf("%s is complete at step %d of %d: nothing to train (give --steps above %d to continue)%n", from,
                    c.step(), train.steps(), c.step());
            notes.flush();
            return null;
        }
        lockFolder(dir);
        if (!sameFolder) {
            TrainRun.carryHistory(parentOf(from), dir);
        }
        SampleSource samples = resumedSource(c, info, changes.data(), train);
        Trainer trainer = Trainer.resume(c, train, samples, device);
        RunInfo recorded = info.build();
        Path evalFile = changes.evalData() != null ? changes.evalData()
                : recorded.evalFile() != null ? Path.of(recorded.evalFile()) : null;
        if (changes.evalData() == null && recorded.recipe() != null && (evalFile == null || !Files.exists(evalFile))) {
            // a recipe's held-out set is made from its seed: on another machine it is made again, identically
            evalFile = writeHeldOut(dir, Recipe.get(recorded.recipe()).heldOut());
        }
        notes.printf("resuming %s at step %d of %d into %s%s%n", from, c.step(), train.steps(), dir,
                stage != null ? " (recipe " + recorded.recipe() + ": " + describe(stage) + ")" : "");
        notes.flush();
        return new Run(trainer, dir, evalFile, recorded);
    }

    /** The run of the recipe's next stage after {@code finished}, a resume of its last checkpoint; null when none is left. */
    public Run next(Run finished, Changes changes) throws IOException {
        if (changes.scheduleGiven()) {
            return null;
        }
        Path file = finished.outDir().resolve(TrainRun.CHECKPOINT);
        Checkpoint last = Checkpoint.read(file);
        return nextStage(last) != null ? resume(last, file, finished.outDir(), changes) : null;
    }

    /** The checkpoint with the givens and N_sup a resume asks for (or its stage sets), each change noted. */
    private Checkpoint withGivensAndNSup(Checkpoint c, Recipe.Stage stage, Changes changes, RunInfo.Builder info) {
        RunInfo was = c.info();
        if (changes.generate() != null && (changes.data() != null || was.generate() == null)) {
            throw new IllegalArgumentException("--generate on resume changes the givens of a run trained on generated puzzles;"
                    + " this run trains on " + (was.data() != null ? was.data() : "a file"));
        }
        GeneratedSudoku.Spec givens = changes.generate() != null ? changes.generate() : stage != null ? stage.givens() : null;
        if (givens != null && !givens.toString().equals(was.generate())) {
            // a later stage on other puzzles; any curriculum is over: the new range holds from this step on
            notes.printf("givens %s -> %s from step %d%n", was.generate(), givens, c.step());
            info.generateChange("givens " + givens + " from step " + c.step());
            info.generated(givens.toString(), givens.curriculumSteps(), was.augments());
        }
        Integer nSup = stage != null ? Integer.valueOf(stage.haltMaxSteps()) : changes.haltMaxSteps();
        if (nSup != null && nSup != c.model().haltMaxSteps()) {
            notes.printf("N_sup %d -> %d from step %d%n", c.model().haltMaxSteps(), nSup, c.step());
            info.nSupChange("N_sup " + nSup + " from step " + c.step());
            return c.withHaltMaxSteps(nSup);
        }
        return c;
    }

    /** The recipe stage that continues checkpoint {@code c}, when its run follows a recipe's stages (null: none). */
    public static Recipe.Stage nextStage(Checkpoint c) {
        return c.info().followsRecipeStages() ? Recipe.get(c.info().recipe()).stageAfter(c.step()) : null;
    }

    /** A stage for people: its rates, N_sup and givens. */
    public static String describe(Recipe.Stage st) {
        return String.format("lr %s (min ratio %s), N_sup %d%s", Recipe.plain(st.lr()), Recipe.plain(st.lrMinRatio()), st.haltMaxSteps(),
                st.givens() != null ? ", givens " + st.givens() : "");
    }

    /** The training stream of a resumed run, rebuilt from the checkpoint's information (or a file given now). */
    private static SampleSource resumedSource(Checkpoint c, RunInfo.Builder info, Path data, TrainConfig train) {
        RunInfo recorded = info.build();
        if (data == null && recorded.generate() != null) {
            GeneratedSudoku.Spec gen = GeneratedSudoku.Spec.parse(recorded.generate(),
                    recorded.curriculum() == null ? 0 : recorded.curriculum());
            return new GeneratedSudoku(gen, train.batchSize(), train.seed(), recorded.augments());
        }
        Path file = data;
        if (file == null) {
            String was = recorded.dataFile() != null ? recorded.dataFile() : recorded.data();
            if (was == null || !Files.exists(Path.of(was))) {
                throw new IllegalArgumentException("--data is needed: the checkpoint's training file "
                        + (was == null ? "is not recorded" : was + " is not there"));
            }
            file = Path.of(was);
        }
        info.dataFile(file.toString(), recorded.augments());
        return TrainingSets.samples(c.model().task(), file, recorded.augments(), train.seed(), TrainingSets.ArcChoice.of(recorded));
    }

    /** The held-out rows a run evaluates (null: none), and the run's information that records them. */
    public record EvaluationSet(List<PuzzleSamples.Sample> rows, RunInfo info) {
    }

    /**
     * The held-out rows a run evaluates (at most {@code limit}, 0: all): for ARC the test pairs of its
     * tasks (recorded with the puzzle-embedding rows' names), else its evaluation file (none: no evaluation).
     */
    public static EvaluationSet evaluationSet(Run run, int limit) {
        if (limit < 0) {
            throw new IllegalArgumentException("--eval-limit must be 0 (all) or more, got " + limit);
        }
        Trainer t = run.trainer();
        RunInfo.Builder info = run.info().toBuilder();
        List<PuzzleSamples.Sample> rows = null;
        if (TaskKind.ARC.is(t.modelConfig().task())) {
            if (run.evalFile() != null) {
                throw new IllegalArgumentException("--eval-data does not apply to ARC: a task's puzzle ids are learned, so "
                        + "evaluation runs on the held-out test pairs of --data");
            }
            info.puzzleIdentifiers(t.samples().identifiers());
            rows = first(t.samples().heldOut(), limit);
            info.evaluation(null, run.info().data() + " test pairs (" + rows.size() + ")");
        } else if (run.evalFile() != null) {
            rows = first(TrainingSets.originals(t.modelConfig().task(), run.evalFile()), limit);
            info.evaluation(run.evalFile().toString(), run.evalFile() + " (" + rows.size() + " puzzles)");
        }
        return new EvaluationSet(rows, info.build());
    }

    private static List<PuzzleSamples.Sample> first(List<PuzzleSamples.Sample> rows, int limit) {
        return limit > 0 && limit < rows.size() ? rows.subList(0, limit) : rows;
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

    /** Refuses a folder that holds another run's files, unless forced. */
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

    private void lockFolder(Path outDir) {
        if (lock == null) {
            lock = RunLock.acquire(outDir);
        }
    }

    private static Path parentOf(Path file) {
        Path p = file.toAbsolutePath().getParent();
        return p != null ? p : Path.of(".");
    }

    private static boolean sameFolder(Path a, Path b) {
        return a.toAbsolutePath().normalize().equals(b.toAbsolutePath().normalize());
    }

    /** Releases the run folder. */
    @Override
    public void close() {
        if (lock != null) {
            lock.close();
            lock = null;
        }
    }
}
