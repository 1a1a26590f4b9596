package dev.trm.cli;

import static dev.trm.cli.TrmCommandTest.shared;
import static dev.trm.cli.TrmCommandTest.trm;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trm.io.SafeTensors;
import dev.trm.model.Presets;
import dev.trm.model.TrmParameters;
import dev.trm.runtime.RuntimeConfig;
import dev.trm.runtime.StepContract;
import dev.trm.runtime.TrmModel;
import dev.trm.train.Checkpoint;
import dev.trm.train.GeneratedSudoku;
import dev.trm.train.Recipe;
import dev.trm.train.RunInfo;
import dev.trm.train.RunLock;
import dev.trm.train.TrainConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainCommandTest {
    @TempDir
    Path dir;

    @Test
    void trainEvalAndResumeOnATinyPreset() throws IOException {
        Path train = dir.resolve("train.csv");
        Path test = dir.resolve("test.csv");
        assertEquals(0, trm("data", "generate", "--count", "16", "--seed", "1", "-o", train.toString()).code());
        assertEquals(0, trm("data", "generate", "--count", "8", "--seed", "2", "-o", test.toString()).code());
        Path out = dir.resolve("run");
        TrmCommandTest.Run r = trm("train", "--preset", "sudoku-mlp-tiny", "--data", train.toString(), "--eval-data", test.toString(),
                "--steps", "4", "--batch", "4", "--eval-every", "2", "-o", out.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("exact accuracy"), r.out());
        List<String> metrics = Files.readAllLines(out.resolve("metrics.jsonl"));
        assertEquals(4 + 2, metrics.size(), "one line per step and one per evaluation");
        assertTrue(metrics.get(2).contains("\"eval\":true"), metrics.get(2));
        assertTrue(Files.size(out.resolve("curve.png")) > 1000);
        Checkpoint c = Checkpoint.read(out.resolve("checkpoint.ckpt"));
        assertEquals(4, c.step());
        assertTrue(c.info().data().endsWith("train.csv"));
        // best.ckpt holds the first evaluation with the highest exact accuracy
        ObjectMapper json = new ObjectMapper();
        long bestStep = -1;
        double best = -1;
        for (String line : metrics) {
            JsonNode n = json.readTree(line);
            if (n.path("eval").asBoolean(false) && n.path("exact_accuracy").asDouble() > best) {
                best = n.path("exact_accuracy").asDouble();
                bestStep = n.path("step").asLong();
            }
        }
        assertEquals(bestStep, Checkpoint.read(out.resolve("best.ckpt")).step());

        TrmCommandTest.Run eval = trm("eval", out.resolve("checkpoint.ckpt").toString(), test.toString());
        assertEquals(0, eval.code(), eval.err());
        assertTrue(eval.out().contains("8 puzzles"), eval.out());
        assertTrue(eval.out().lines().anyMatch(l -> l.startsWith("3 ")), "a row per supervision step");

        // resuming a run that reached its last step changes nothing
        TrmCommandTest.Run again = trm("train", "--resume", out.resolve("checkpoint.ckpt").toString(), "--data", train.toString(),
                "-o", out.toString());
        assertEquals(0, again.code(), again.err());
        assertEquals(6, Files.readAllLines(out.resolve("metrics.jsonl")).size());
    }

    /** A finished 2-step run of the tiny preset on generated puzzles, in {@code dir/name}. */
    private Path trainTwoTinySteps(String name) {
        Path out = dir.resolve(name);
        TrmCommandTest.Run first = trm("train", "--preset", "sudoku-mlp-tiny", "--generate", "30-40", "--steps", "2", "--batch", "2",
                "-o", out.toString());
        assertEquals(0, first.code(), first.err());
        return out;
    }

    @Test
    void aRunIsNeverReplacedSilentlyAndResumesInItsOwnFolder() throws IOException {
        Path out = trainTwoTinySteps("gen");
        Checkpoint c = Checkpoint.read(out.resolve("checkpoint.ckpt"));
        assertEquals("30-40", c.info().generate());
        TrmCommandTest.Run again = trm("train", "--preset", "sudoku-mlp-tiny", "--generate", "30-40", "--steps", "2", "--batch", "2",
                "-o", out.toString());
        assertEquals(1, again.code());
        assertTrue(again.err().contains(out + " already holds a run"), again.err());
        assertEquals(2, Files.readAllLines(out.resolve("metrics.jsonl")).size(), "the run is untouched");
        // resuming needs neither the data nor the folder again, and a larger --steps extends the finished run
        TrmCommandTest.Run extend = trm("train", "--resume", out.resolve("checkpoint.ckpt").toString(), "--steps", "4");
        assertEquals(0, extend.code(), extend.err());
        assertEquals(4, Checkpoint.read(out.resolve("checkpoint.ckpt")).step());
        assertEquals(4, Files.readAllLines(out.resolve("metrics.jsonl")).size());
        // extended into another folder, the run keeps its history there: the curve starts at step 1
        Path further = dir.resolve("further");
        TrmCommandTest.Run moved = trm("train", "--resume", out.resolve("checkpoint.ckpt").toString(), "--steps", "5",
                "-o", further.toString());
        assertEquals(0, moved.code(), moved.err());
        List<String> history = Files.readAllLines(further.resolve("metrics.jsonl"));
        assertEquals(5, history.size(), "steps 1-4 carried over, step 5 trained here");
        assertTrue(history.get(0).startsWith("{\"step\":1,"), history.get(0));
        assertEquals(4, Files.readAllLines(out.resolve("metrics.jsonl")).size(), "the original run is untouched");
        // a finished run resumed elsewhere says so and writes nothing
        Path elsewhere = dir.resolve("elsewhere");
        TrmCommandTest.Run done = trm("train", "--resume", out.resolve("checkpoint.ckpt").toString(), "-o", elsewhere.toString());
        assertEquals(0, done.code(), done.err());
        assertTrue(done.out().contains("is complete at step 4 of 4"), done.out());
        assertTrue(!Files.exists(elsewhere), "nothing written");
        TrmCommandTest.Run forced = trm("train", "--preset", "sudoku-mlp-tiny", "--generate", "30-40", "--steps", "1", "--batch", "2",
                "-o", out.toString(), "--force");
        assertEquals(0, forced.code(), forced.err());
        assertEquals(1, Checkpoint.read(out.resolve("checkpoint.ckpt")).step());
        TrmCommandTest.Run changeModel = trm("train", "--resume", out.resolve("checkpoint.ckpt").toString(), "--hidden", "64");
        assertEquals(1, changeModel.code());
        assertTrue(changeModel.err().contains("--hidden cannot change on resume"), changeModel.err());
    }

    @Test
    void aResumedRunCanContinueWithMoreSupervisionStepsPerPuzzle() throws IOException {
        Path out = trainTwoTinySteps("nsup");
        int trained = Checkpoint.read(out.resolve("checkpoint.ckpt")).model().haltMaxSteps();
        int more = trained + 2;
        Path longer = dir.resolve("nsup-longer");
        TrmCommandTest.Run extend = trm("train", "--resume", out.resolve("checkpoint.ckpt").toString(), "--steps", "3",
                "--halt-max-steps", Integer.toString(more), "-o", longer.toString());
        assertEquals(0, extend.code(), extend.err());
        assertTrue(extend.out().contains("N_sup " + trained + " -> " + more + " from step 2"), extend.out());
        Checkpoint c = Checkpoint.read(longer.resolve("checkpoint.ckpt"));
        assertEquals(3, c.step());
        assertEquals(more, c.model().haltMaxSteps());
        assertEquals("N_sup " + more + " from step 2", c.info().nSupChanges());
        assertEquals(trained, Checkpoint.read(out.resolve("checkpoint.ckpt")).model().haltMaxSteps(), "the original run is untouched");
    }

    @Test
    void aResumedGeneratedRunCanContinueOnAnotherGivensRange() throws IOException {
        Path out = trainTwoTinySteps("givens");
        Path harder = dir.resolve("givens-harder");
        TrmCommandTest.Run extend = trm("train", "--resume", out.resolve("checkpoint.ckpt").toString(), "--steps", "3",
                "--generate", "24-32", "-o", harder.toString());
        assertEquals(0, extend.code(), extend.err());
        assertTrue(extend.out().contains("givens 30-40 -> 24-32 from step 2"), extend.out());
        Checkpoint c = Checkpoint.read(harder.resolve("checkpoint.ckpt"));
        assertEquals(3, c.step());
        assertEquals("24-32", c.info().generate());
        assertEquals("givens 24-32 from step 2", c.info().generateChanges());
        assertEquals("30-40", Checkpoint.read(out.resolve("checkpoint.ckpt")).info().generate(), "the original run is untouched");
    }

    @Test
    void aRunTrainedOnAFileCannotSwitchToGeneratedPuzzlesOnResume() throws IOException {
        Path train = dir.resolve("file.csv");
        assertEquals(0, trm("data", "generate", "--count", "4", "--seed", "3", "-o", train.toString()).code());
        Path out = dir.resolve("file-run");
        assertEquals(0, trm("train", "--preset", "sudoku-mlp-tiny", "--data", train.toString(), "--steps", "1", "--batch", "2",
                "-o", out.toString()).code());
        TrmCommandTest.Run r = trm("train", "--resume", out.resolve("checkpoint.ckpt").toString(), "--steps", "2",
                "--generate", "24-32", "-o", dir.resolve("file-run-2").toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("--generate on resume changes the givens of a run trained on generated puzzles"), r.err());
        assertTrue(Files.notExists(dir.resolve("file-run-2")), "nothing written");
    }

    @Test
    void aFolderInUseByARunningTrainingIsRefused() throws IOException {
        Path out = dir.resolve("busy");
        try (RunLock running = RunLock.acquire(out)) {
            TrmCommandTest.Run second = trm("train", "--preset", "sudoku-mlp-tiny", "--generate", "30-40", "--steps", "1",
                    "--batch", "2", "-o", out.toString());
            assertEquals(1, second.code());
            assertTrue(second.err().contains(out + " is in use by another training run"), second.err());
            assertTrue(Files.notExists(out.resolve("metrics.jsonl")), "nothing written");
        }
        assertEquals(0, trm("train", "--preset", "sudoku-mlp-tiny", "--generate", "30-40", "--steps", "1", "--batch", "2",
                "-o", out.toString()).code(), "free again once the first run ends");
    }

    /** The checkpoint of a one-step tiny run written into {@code name}. */
    private Checkpoint oneStepCheckpoint(String name) throws IOException {
        Path out = dir.resolve(name);
        assertEquals(0, trm("train", "--preset", "sudoku-mlp-tiny", "--generate", "30-40", "--steps", "1", "--batch", "2",
                "-o", out.toString()).code());
        return Checkpoint.read(out.resolve("checkpoint.ckpt"));
    }

    /** A copy of {@code tensors} whose tensor {@code name} holds NaN at {@code index}. */
    private static Map<String, SafeTensors.Tensor> withNaN(Map<String, SafeTensors.Tensor> tensors, String name, int index) {
        Map<String, SafeTensors.Tensor> copy = new LinkedHashMap<>(tensors);
        float[] values = copy.get(name).floats().clone();
        values[index] = Float.NaN;
        copy.put(name, SafeTensors.Tensor.of(values, copy.get(name).shape()));
        return copy;
    }

    @Test
    void aCheckpointOfNonFiniteWeightsIsRefused() throws IOException {
        Checkpoint c = oneStepCheckpoint("nan");
        Map<String, SafeTensors.Tensor> weights = withNaN(c.weights(), TrmParameters.LM_HEAD, 0);
        Path bad = dir.resolve("nan.ckpt");
        new Checkpoint(c.model(), c.train(), c.step(), c.dataPosition(), c.info(), weights, c.ema(), c.optimizer(), c.carry()).write(bad);
        Path test = dir.resolve("test.csv");
        assertEquals(0, trm("data", "generate", "--count", "2", "--seed", "2", "-o", test.toString()).code());
        TrmCommandTest.Run eval = trm("eval", bad.toString(), test.toString());
        assertEquals(1, eval.code());
        assertTrue(eval.err().contains("holds NaN at index 0: the run diverged"), eval.err());
        TrmCommandTest.Run resume = trm("train", "--resume", bad.toString(), "--steps", "3", "-o", dir.resolve("r").toString());
        assertEquals(1, resume.code());
        assertTrue(resume.err().contains("holds NaN"), resume.err());
    }

    @Test
    void oneNaNInTheOptimizerStateIsRefusedOnResumeAndNothingIsWritten() throws IOException {
        Checkpoint c = oneStepCheckpoint("adam");
        String name = c.optimizer().keySet().iterator().next();
        Map<String, SafeTensors.Tensor> moments = withNaN(c.optimizer(), name, c.optimizer().get(name).floats().length - 1);
        Path bad = dir.resolve("adam-nan.ckpt");
        new Checkpoint(c.model(), c.train(), c.step(), c.dataPosition(), c.info(), c.weights(), c.ema(), moments, c.carry()).write(bad);
        Path into = dir.resolve("resumed");
        TrmCommandTest.Run resume = trm("train", "--resume", bad.toString(), "--steps", "3", "-o", into.toString());
        assertEquals(1, resume.code(), resume.out());
        assertTrue(resume.err().contains("optimizer.safetensors tensor '" + name + "' holds NaN"), resume.err());
        assertTrue(Files.notExists(into.resolve("checkpoint.ckpt")), "no weights written from a damaged optimizer state");
    }

    @Test
    void anOutputFolderThatIsAFileIsRefusedWithoutAStackTrace() throws IOException {
        Path file = Files.writeString(dir.resolve("taken"), "x");
        TrmCommandTest.Run r = trm("train", "--preset", "sudoku-mlp-tiny", "--generate", "30-40", "--steps", "1", "--batch", "2",
                "-o", file.toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains(file + ": -o names a run folder, and this is a file"), r.err());
        assertEquals("x", Files.readString(file));
        TrmCommandTest.Run proc = trm("train", "--preset", "sudoku-mlp-tiny", "--generate", "30-40", "--steps", "1", "--batch", "2",
                "-o", "/proc/trm-run");
        assertEquals(1, proc.code());
        assertTrue(proc.err().contains("/proc/trm-run: cannot use it as the run folder"), proc.err());
    }

    @Test
    void recipesAreListed() {
        TrmCommandTest.Run r = trm("train", "--list-recipes");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("sudoku-default"), r.out());
    }

    /** A two-step recipe of the tiny preset with two later stages, the second at 2 more supervision steps on fewer givens. */
    private static final Recipe STAGED = new Recipe("test-staged", "a staged recipe in miniature",
            Presets.get("sudoku-mlp-tiny"), TrainConfig.builder().batchSize(2).steps(2).evalInterval(0).build(),
            new GeneratedSudoku.Spec(30, 40, 0), new Recipe.HeldOut(30, 40, 7, 4),
            List.of(new Recipe.Stage(3, 5e-4f, 1f, 3), new Recipe.Stage(3, 5e-4f, 1f, 3).to(4).lr(2e-4f).haltMaxSteps(5).givens(24, 32)));

    static {
        Recipe.register(STAGED);
    }

    @Test
    void aRecipeRunGoesOnThroughItsStages() throws IOException {
        Path out = dir.resolve("staged");
        TrmCommandTest.Run r = trm("train", "--recipe", STAGED.name(), "-o", out.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("then 2 more stages to step 4"), r.out());
        assertTrue(r.out().contains("N_sup 3 -> 5 from step 3"), r.out());
        Checkpoint c = Checkpoint.read(out.resolve("checkpoint.ckpt"));
        assertEquals(4, c.step());
        assertEquals(5, c.model().haltMaxSteps());
        assertEquals(2e-4f, c.train().lr());
        assertEquals("N_sup 5 from step 3", c.info().nSupChanges());
        assertTrue(r.out().contains("givens 30-40 -> 24-32 from step 3"), r.out());
        assertEquals("givens 24-32 from step 3", c.info().generateChanges());
        assertEquals(4, Files.readAllLines(out.resolve("metrics.jsonl")).stream().filter(l -> !l.contains("\"eval\"")).count(),
                "one line per step of all three stages");
        TrmCommandTest.Run again = trm("train", "--resume", out.resolve("checkpoint.ckpt").toString());
        assertTrue(again.out().contains("is complete at step 4 of 4"), again.out());
    }

    @Test
    void aRecipeRunStoppedBetweenStagesResumesIntoTheNextAndScheduleOptionsReplaceTheStages() throws IOException {
        Path out = dir.resolve("first-stage");
        // --steps sets the schedule: the run trains the recipe's first stage only and does not follow the stages
        assertEquals(0, trm("train", "--recipe", STAGED.name(), "--steps", "2", "-o", out.toString()).code());
        Checkpoint c = Checkpoint.read(out.resolve("checkpoint.ckpt"));
        assertEquals(Boolean.FALSE, c.info().recipeStages());
        assertTrue(trm("train", "--resume", out.resolve("checkpoint.ckpt").toString()).out().contains("is complete at step 2 of 2"));
        // the same checkpoint of a run that follows its stages: as if it had stopped at the end of the first
        RunInfo following = c.info().toBuilder().recipe(c.info().recipe(), true).build();
        Path stopped = dir.resolve("stopped.ckpt");
        new Checkpoint(c.model(), c.train(), c.step(), c.dataPosition(), following, c.weights(), c.ema(), c.optimizer(), c.carry())
                .write(stopped);
        Path on = dir.resolve("on");
        TrmCommandTest.Run resumed = trm("train", "--resume", stopped.toString(), "-o", on.toString());
        assertEquals(0, resumed.code(), resumed.err());
        assertTrue(resumed.out().contains("at step 2 of 3 into " + on + " (recipe test-staged: lr 0.0005 (min ratio 1), N_sup 3)"), resumed.out());
        assertEquals(4, Checkpoint.read(on.resolve("checkpoint.ckpt")).step(), "and through the stage after");
    }

    @Test
    void aRecipeRunResumesOnAnotherMachineWithoutItsFolder() throws IOException {
        Path first = dir.resolve("machine-a");
        TrmCommandTest.Run r = trm("train", "--recipe", "sudoku-default", "--preset", "sudoku-mlp-tiny", "--steps", "1", "--batch", "2",
                "--eval-limit", "4", "-o", first.toString());
        assertEquals(0, r.code(), r.err());
        // only the checkpoint travels: the held-out set is made again from the recipe's seed
        Path moved = Files.copy(first.resolve("checkpoint.ckpt"), dir.resolve("carried.ckpt"));
        deleteTree(first);
        Path second = dir.resolve("machine-b");
        TrmCommandTest.Run resumed = trm("train", "--resume", moved.toString(), "--steps", "2", "--eval-limit", "4",
                "-o", second.toString());
        assertEquals(0, resumed.code(), resumed.err());
        assertTrue(Files.exists(second.resolve("heldout-24-34-seed202.csv")), "the held-out set is made again");
        assertEquals(2, Checkpoint.read(second.resolve("checkpoint.ckpt")).step());
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    @Test
    void arcTrainsOnVariantsAndEvaluatesTheHeldOutTestPairs() throws IOException {
        Path tasks = dir.resolve("arc.json");
        Files.writeString(tasks, "{\"t1\": {\"train\": [{\"input\": [[1, 2], [3, 4]], \"output\": [[4, 3], [2, 1]]}],"
                + " \"test\": [{\"input\": [[5, 6]], \"output\": [[6, 5]]}]},"
                + " \"t2\": {\"train\": [{\"input\": [[7]], \"output\": [[7, 7]]}, {\"input\": [[8]], \"output\": [[8, 8]]}],"
                + " \"test\": [{\"input\": [[9]], \"output\": [[9, 9]]}]}}");
        Path out = dir.resolve("arc-run");
        TrmCommandTest.Run r = trm("train", "--preset", "arc-att-tiny", "--data", tasks.toString(), "--arc-variants", "2",
                "--steps", "2", "--batch", "2", "--eval-every", "2", "-o", out.toString());
        assertEquals(0, r.code(), r.err());
        Checkpoint c = Checkpoint.read(out.resolve("checkpoint.ckpt"));
        assertEquals(2, c.info().arcVariants());
        assertEquals(1 + 2 * 3, c.model().numPuzzleIds(), "the blank row, and each task with its 2 variants");
        assertTrue(c.info().evalData().endsWith("test pairs (2)"), c.info().toString());
        TrmCommandTest.Run eval = trm("eval", out.resolve("checkpoint.ckpt").toString(), tasks.toString());
        assertEquals(0, eval.code(), eval.err());
        assertTrue(eval.out().contains("2 puzzles"), eval.out());
        TrmCommandTest.Run other = trm("train", "--preset", "arc-att-tiny", "--data", tasks.toString(), "--eval-data", tasks.toString(),
                "--steps", "1", "-o", dir.resolve("x").toString());
        assertEquals(1, other.code());
        assertTrue(other.err().contains("--eval-data does not apply to ARC"), other.err());

        // the puzzle ids travel: checkpoint -> ONNX metadata -> the runtime's copies; the vote reports pass@1 and pass@2
        Path onnx = dir.resolve("arc.onnx");
        TrmCommandTest.Run export = trm("export", out.resolve("checkpoint.ckpt").toString(), "-o", onnx.toString());
        assertEquals(0, export.code(), export.err());
        try (TrmModel m = TrmModel.load(onnx, RuntimeConfig.cpu())) {
            assertEquals(c.info().puzzleIdentifiers(), m.info().metadata().get(StepContract.PUZZLE_IDENTIFIERS));
            assertEquals(3, m.task().augmentationCount("t1 56"), "t1 as given and its 2 variants");
        }
        TrmCommandTest.Run solve = trm("solve", "--model", onnx.toString(), "--task", "arc", tasks.toString(), "--id", "t2", "--json");
        assertEquals(0, solve.code(), solve.err());
        JsonNode line = new ObjectMapper().readTree(solve.out());
        assertEquals("t2", line.path("task").asText());
        assertEquals(3, line.path("copies").asInt(), "every trained variant of t2 voted");
        assertTrue(line.path("answers").size() >= 1 && line.path("answers").size() <= 2, solve.out());
        TrmCommandTest.Run arcEval = trm("eval", onnx.toString(), tasks.toString(), "--picks", "votes,halt,weighted,any");
        assertEquals(0, arcEval.code(), arcEval.err());
        assertTrue(arcEval.out().contains("pass@1") && arcEval.out().contains("2 tasks, 2 test inputs"), arcEval.out());
        String headline = arcEval.out().lines().filter(l -> l.startsWith("pass@1 ")).findFirst().orElseThrow();
        String byVotes = arcEval.out().lines().filter(l -> l.startsWith("pick votes ")).findFirst().orElseThrow();
        assertTrue(byVotes.endsWith(headline.substring(0, headline.indexOf(" (mean"))), "the reference's ranking is the votes pick: " + arcEval.out());
        assertTrue(arcEval.out().contains("pick halt ") && arcEval.out().contains("pick weighted ")
                && arcEval.out().contains("pick any      a variant gave the output"), arcEval.out());
        // the official layout: weights by state-dict name plus the reference's identifiers.json come back as the same model
        Path official = dir.resolve("arc.safetensors");
        assertEquals(0, trm("export", out.resolve("checkpoint.ckpt").toString(), "--to", "safetensors", "-o", official.toString()).code());
        Path ids = dir.resolve("identifiers.json");
        new ObjectMapper().writeValue(ids.toFile(), List.of(c.info().puzzleIdentifiers().split("\n")));
        Path imported = dir.resolve("imported.onnx");
        TrmCommandTest.Run fromOfficial = trm("export", "--preset", "arc-att-tiny", "--from-safetensors", official.toString(),
                "--identifiers", ids.toString(), "--verify-data", tasks.toString(), "-o", imported.toString());
        assertEquals(0, fromOfficial.code(), fromOfficial.err());
        try (TrmModel m = TrmModel.load(imported, RuntimeConfig.cpu())) {
            assertEquals(c.info().puzzleIdentifiers(), m.info().metadata().get(StepContract.PUZZLE_IDENTIFIERS));
            assertEquals(Integer.toString(c.model().numPuzzleIds()), m.info().metadata().get(StepContract.NUM_PUZZLE_IDS),
                    "the table's rows set the puzzle-id count");
        }
        Path tooFew = dir.resolve("too-few.json");
        Files.writeString(tooFew, "[\"<blank>\", \"t1\"]");
        TrmCommandTest.Run mismatch = trm("export", "--preset", "arc-att-tiny", "--from-safetensors", official.toString(),
                "--identifiers", tooFew.toString(), "-o", dir.resolve("bad.onnx").toString());
        assertEquals(1, mismatch.code());
        assertTrue(mismatch.err().contains("2 identifiers, but the weights' puzzle_emb table has 7 rows"), mismatch.err());
        assertTrue(Files.notExists(dir.resolve("bad.onnx")));
        Path broken = Files.writeString(dir.resolve("broken.json"), "[\"<blank>\",\n \"t1\" \"t2\"]");
        TrmCommandTest.Run notJson = trm("export", "--preset", "arc-att-tiny", "--from-safetensors", official.toString(),
                "--identifiers", broken.toString(), "-o", dir.resolve("bad.onnx").toString());
        assertEquals(1, notJson.code());
        assertTrue(notJson.err().contains("--identifiers " + broken + ":2:") && notJson.err().contains("not JSON")
                && !notJson.err().contains("REDACTED"), notJson.err());
        TrmCommandTest.Run absent = trm("export", "--preset", "arc-att-tiny", "--from-safetensors", official.toString(),
                "--identifiers", dir.resolve("none.json").toString(), "-o", dir.resolve("bad.onnx").toString());
        assertEquals(1, absent.code());
        assertTrue(absent.err().contains("--identifiers " + dir.resolve("none.json") + ": no such file"), absent.err());

        Path unknown = dir.resolve("unknown.json");
        Files.writeString(unknown, "{\"t9\": {\"train\": [{\"input\": [[1]], \"output\": [[1]]}], \"test\": [{\"input\": [[1]]}]}}");
        TrmCommandTest.Run notTrained = trm("solve", "--model", onnx.toString(), "--task", "arc", unknown.toString());
        assertEquals(1, notTrained.code());
        assertTrue(notTrained.err().contains("task 't9' is not one this model was trained on"), notTrained.err());
    }

    @Test
    void mazeTrainsExportsSolvesAndEvaluates() throws IOException {
        Path mazes = dir.resolve("mazes.csv");
        List<String> lines = Files.readAllLines(TrmCommandTest.shared("maze-30x30-hard-1k/test.csv"));
        Files.write(mazes, lines.subList(0, 5)); // the header and 4 mazes
        Path out = dir.resolve("maze-run");
        TrmCommandTest.Run r = trm("train", "--preset", "maze-att-tiny", "--data", mazes.toString(), "--steps", "1", "--batch", "2",
                "-o", out.toString());
        assertEquals(0, r.code(), r.err());
        Path onnx = dir.resolve("maze.onnx");
        TrmCommandTest.Run export = trm("export", out.resolve("checkpoint.ckpt").toString(), "--verify-data", mazes.toString(), "-o",
                onnx.toString());
        assertEquals(0, export.code(), export.err());
        TrmCommandTest.Run solve = trm("solve", "--model", onnx.toString(), "--effort", "2xN", "--file", mazes.toString(), "--batch", "2");
        assertTrue(solve.code() == 0 || solve.code() == 1, solve.err());
        assertTrue(solve.out().contains(mazes + ":2: ") && solve.out().contains(mazes + ":5: "), solve.out());
        assertTrue(solve.out().lines().anyMatch(l -> l.length() == 30), "the maze is drawn, 30 cells a row: " + solve.out());
        TrmCommandTest.Run eval = trm("eval", onnx.toString(), mazes.toString(), "--policies", "fixed");
        assertEquals(0, eval.code(), eval.err());
        assertTrue(eval.out().contains("valid shortest paths") && eval.out().contains("path-cell accuracy"), eval.out());
        TrmCommandTest.Run wrongSize = trm("solve", "--model", onnx.toString(), "#".repeat(899));
        assertEquals(1, wrongSize.code());
        assertTrue(wrongSize.err().contains("trm solve: puzzle: maze: "), wrongSize.err());
    }

    @Test
    void badInputsAreClearErrors() throws IOException {
        Path train = dir.resolve("train.csv");
        assertEquals(0, trm("data", "generate", "--count", "4", "--seed", "1", "-o", train.toString()).code());
        TrmCommandTest.Run gpu = trm("train", "--preset", "sudoku-mlp-tiny", "--data", train.toString(), "--device", "gpu",
                "-o", dir.resolve("g").toString());
        assertEquals(1, gpu.code());
        assertTrue(gpu.err().contains("--device gpu: no CUDA GPU"), gpu.err());
        TrmCommandTest.Run mismatch = trm("train", "--preset", "sudoku-mlp-tiny", "--data",
                shared("maze-30x30-hard-1k/test.csv").toString(), "-o", dir.resolve("m").toString());
        assertEquals(1, mismatch.code());
        assertTrue(mismatch.err().contains("holds maze puzzles but the model is for sudoku"), mismatch.err());
        TrmCommandTest.Run missing = trm("eval", dir.resolve("nope.ckpt").toString(), train.toString());
        assertEquals(1, missing.code());
        assertTrue(missing.err().contains("nope.ckpt: no such file"), missing.err());
        TrmCommandTest.Run badConfig = trm("train", "--preset", "sudoku-mlp-tiny", "--hidden", "33", "--data", train.toString(),
                "-o", dir.resolve("b").toString());
        assertEquals(1, badConfig.code());
        assertTrue(badConfig.err().contains("model config: heads (2) must divide the hidden size (33)"), badConfig.err());
        TrmCommandTest.Run noData = trm("train", "--preset", "sudoku-mlp-tiny");
        assertEquals(1, noData.code());
        TrmCommandTest.Run noThreads = trm("train", "--preset", "sudoku-mlp-tiny", "--data", train.toString(), "--threads", "0",
                "-o", dir.resolve("t").toString());
        assertEquals(1, noThreads.code());
        assertTrue(noThreads.err().contains("threads must be at least 1, got 0"), noThreads.err());
    }
}
