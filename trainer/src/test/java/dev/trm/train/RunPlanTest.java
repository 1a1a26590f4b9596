package dev.trm.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How runs start, resume and go on through a recipe's stages, and what they record. */
class RunPlanTest {
    private static final UnaryOperator<TrainConfig.Builder> NO_SCHEDULE = b -> b;
    private static final RunPlan.Changes NOTHING = new RunPlan.Changes(null, null, null, null, false, NO_SCHEDULE);

    @TempDir
    Path dir;

    /** Starts a two-step generated run in {@code out}, trains it, and returns its checkpoint file. */
    private Path trainedRun(Path out, Recipe recipe) throws IOException {
        TrainConfig train = TrainerTest.config(1).toBuilder().steps(2).build();
        RunPlan.Data data = new RunPlan.Data(null, GeneratedSudoku.Spec.parse("30-40", 0), true, TrainingSets.ArcChoice.NONE);
        try (RunPlan plan = new RunPlan(Device.cpu(), false, new PrintWriter(new StringWriter()))) {
            RunPlan.Run run = plan.start(TrainerTest.TINY, train, recipe, recipe != null, data, null, out);
            assertEquals("30-40", run.info().generate());
            assertTrue(run.info().data().startsWith("generated Sudoku, givens 30-40"), run.info().data());
            try (Trainer t = run.trainer()) {
                TrainRun.run(t, new TrainRun.Options(out, null, 4, run.info(), null, null));
            }
        }
        return out.resolve(TrainRun.CHECKPOINT);
    }

    @Test
    void aResumeWithOtherGivensAndNSupRecordsBothChangesAndSaysSo() throws IOException {
        Path file = trainedRun(dir.resolve("a"), null);
        StringWriter notes = new StringWriter();
        int nSup = TrainerTest.TINY.haltMaxSteps() + 1;
        RunPlan.Changes changes = new RunPlan.Changes(null, GeneratedSudoku.Spec.parse("24-32", 0), null, nSup, true,
                b -> b.steps(3));
        try (RunPlan plan = new RunPlan(Device.cpu(), false, new PrintWriter(notes))) {
            RunPlan.Run run = plan.resume(Checkpoint.read(file), file, dir.resolve("b"), changes);
            try (Trainer t = run.trainer()) {
                assertEquals(nSup, t.modelConfig().haltMaxSteps());
            }
            assertEquals("24-32", run.info().generate());
            assertEquals("givens 24-32 from step 2", run.info().generateChanges());
            assertEquals("N_sup " + nSup + " from step 2", run.info().nSupChanges());
            assertEquals(dir.resolve("b"), run.outDir());
        }
        assertTrue(notes.toString().contains("givens 30-40 -> 24-32 from step 2"), notes.toString());
        assertTrue(notes.toString().contains("N_sup " + TrainerTest.TINY.haltMaxSteps() + " -> " + nSup + " from step 2"), notes.toString());
    }

    @Test
    void aFinishedRunHasNothingToTrainAndAFileRunCannotTakeOtherGivens() throws IOException {
        Path file = trainedRun(dir.resolve("a"), null);
        StringWriter notes = new StringWriter();
        try (RunPlan plan = new RunPlan(Device.cpu(), false, new PrintWriter(notes))) {
            assertNull(plan.resume(Checkpoint.read(file), file, null, NOTHING));
        }
        assertTrue(notes.toString().contains("is complete at step 2 of 2"), notes.toString());
        Checkpoint c = Checkpoint.read(file);
        Checkpoint fromFile = new Checkpoint(c.model(), c.train(), c.step(), c.dataPosition(),
                new RunInfo.Builder().dataFile("train.csv", true).build(), c.weights(), c.ema(), c.optimizer(), c.carry());
        RunPlan.Changes givens = new RunPlan.Changes(null, GeneratedSudoku.Spec.parse("24-32", 0), null, null, true, b -> b.steps(4));
        try (RunPlan plan = new RunPlan(Device.cpu(), false, new PrintWriter(new StringWriter()))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> plan.resume(fromFile, file, null, givens));
            assertTrue(e.getMessage().contains("this run trains on train.csv"), e.getMessage());
        }
    }

    @Test
    void aRunThatFollowsItsRecipeGoesOnToTheNextStage() throws IOException {
        Recipe staged = Recipe.get("sudoku-default");
        Checkpoint c = Checkpoint.read(trainedRun(dir.resolve("a"), null));
        assertNull(RunPlan.nextStage(c), "a run without a recipe has no stages");
        RunInfo following = c.info().toBuilder().recipe(staged.name(), true).build();
        Checkpoint inRecipe = new Checkpoint(c.model(), c.train(), c.step(), c.dataPosition(), following, c.weights(), c.ema(),
                c.optimizer(), c.carry());
        assertEquals(staged.stageAfter(c.step()), RunPlan.nextStage(inRecipe));
        RunInfo stopped = following.toBuilder().recipe(staged.name(), false).build();
        assertNull(RunPlan.nextStage(new Checkpoint(c.model(), c.train(), c.step(), c.dataPosition(), stopped, c.weights(), c.ema(),
                c.optimizer(), c.carry())), "a run that set its own schedule does not follow the stages");
    }
}
