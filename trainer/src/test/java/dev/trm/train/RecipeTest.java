package dev.trm.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trm.model.Presets;
import java.util.List;
import org.junit.jupiter.api.Test;

class RecipeTest {
    private static final TrainConfig FIRST = TrainConfig.builder().steps(100).build();
    private static final Recipe.Stage LONGER = new Recipe.Stage(300, 7e-4f, 0.1f, 6);
    private static final Recipe.Stage DEEPER = new Recipe.Stage(500, 1e-3f, 0.1f, 16);

    private static Recipe recipe(List<Recipe.Stage> stages) {
        return recipe("staged", stages);
    }

    private static Recipe recipe(String name, List<Recipe.Stage> stages) {
        return new Recipe(name, "a test", Presets.get("sudoku-mlp-tiny"), FIRST, new GeneratedSudoku.Spec(30, 40, 0),
                new Recipe.HeldOut(30, 40, 7, 8), stages);
    }

    @Test
    void eachCheckpointStepBelongsToTheStageThatTrainsTheNextStep() {
        Recipe r = recipe(List.of(LONGER, DEEPER));
        assertNull(r.stageAfter(0), "within the first stage the checkpoint's own schedule is the recipe's");
        assertNull(r.stageAfter(99));
        assertEquals(LONGER, r.stageAfter(100));
        assertEquals(LONGER, r.stageAfter(299));
        assertEquals(DEEPER, r.stageAfter(300));
        assertNull(r.stageAfter(500), "after the last stage nothing is left");
        assertEquals(500, r.lastStep());
        assertEquals(100, recipe(List.of()).lastStep());
    }

    @Test
    void aStageSetsTheScheduleAndKeepsTheRest() {
        TrainConfig t = LONGER.applyTo(FIRST.toBuilder().batchSize(8).build());
        assertEquals(300, t.steps());
        assertEquals(7e-4f, t.lr());
        assertEquals(0.1f, t.lrMinRatio());
        assertEquals(8, t.batchSize());
    }

    @Test
    void aStageKeepsTheTrainingStreamUnlessItNamesOtherGivens() {
        assertEquals(null, LONGER.givens(), "the stream of the stage before");
        Recipe.Stage harder = LONGER.to(400).givens(22, 34);
        assertEquals(new GeneratedSudoku.Spec(22, 34, 0), harder.givens());
        assertEquals(harder.givens(), harder.lr(1e-4f).to(450).givens(), "the other withers keep it");
    }

    @Test
    void stagesMustEndOneAfterAnother() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> recipe(List.of(DEEPER, LONGER)));
        assertTrue(e.getMessage().contains("a stage must end after the one before (step 500)"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> recipe(List.of(new Recipe.Stage(100, 1e-3f, 1f, 6))));
        assertThrows(IllegalArgumentException.class, () -> new Recipe.Stage(200, 1e-3f, 1.5f, 6));
    }

    @Test
    void aRecipeNameIsTakenOnce() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Recipe.register(recipe("sudoku-default", List.of())));
        assertTrue(e.getMessage().contains("'sudoku-default' exists already"), e.getMessage());
    }
}
