package dev.trm.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class TrainConfigTest {
    @Test
    void theRateWarmsUpLinearlyThenStaysConstantByDefault() {
        TrainConfig c = TrainConfig.builder().steps(1000).lr(1e-3f).warmupSteps(100).build();
        assertEquals(1e-5f, c.lrAt(1, c.lr()), 1e-10);
        assertEquals(5e-4f, c.lrAt(50, c.lr()), 1e-9);
        assertEquals(1e-3f, c.lrAt(100, c.lr()), 1e-9);
        assertEquals(1e-3f, c.lrAt(1000, c.lr()), 1e-9);
    }

    @Test
    void aMinRatioDecaysTheRateAlongACosineToTheFloorAtTheLastStep() {
        TrainConfig c = TrainConfig.builder().steps(1100).lr(1e-3f).warmupSteps(100).lrMinRatio(0.1f).build();
        assertEquals(1e-3f, c.lrAt(100, c.lr()), 1e-9);
        assertEquals(0.55e-3f, c.lrAt(600, c.lr()), 1e-8, "half way: the mean of peak and floor");
        assertEquals(1e-4f, c.lrAt(1100, c.lr()), 1e-9);
        assertEquals(1e-2f * 0.1f, c.lrAt(1100, 1e-2f), 1e-9, "the puzzle-embedding rate follows the same schedule");
    }

    @Test
    void fieldsAreValidatedAndBuiltByName() {
        TrainConfig c = TrainConfig.builder().batchSize(8).seed(3).build();
        assertEquals(c, c.toBuilder().build());
        assertEquals(16, c.toBuilder().batchSize(16).build().batchSize());
        assertThrows(IllegalArgumentException.class, () -> TrainConfig.builder().lrMinRatio(1.5f).build());
        assertThrows(IllegalArgumentException.class, () -> TrainConfig.builder().batchSize(0).build());
    }
}
