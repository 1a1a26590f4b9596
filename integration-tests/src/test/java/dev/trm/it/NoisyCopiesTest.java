package dev.trm.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trm.data.SharedData;
import dev.trm.runtime.Effort;
import dev.trm.runtime.HaltPolicy;
import dev.trm.runtime.RuntimeConfig;
import dev.trm.runtime.Solution;
import dev.trm.runtime.TrmModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Copies that differ by their starting latent: a stage written {@code KxMN~SIGMA} adds copies of the
 * puzzle as given whose z starts from z_init plus seeded Gaussian noise. The shipped model on hard
 * rows of train_1k (which it mostly does not solve, so every step runs).
 */
class NoisyCopiesTest {
    private static final Path MODEL = Path.of(System.getProperty("trm.models.dir", "../models"), "sudoku-default.onnx");

    private static List<String> puzzles(int n) throws IOException {
        List<String> rows = Files.readAllLines(SharedData.file("sudoku/train_1k.csv"));
        List<String> out = new ArrayList<>();
        for (String row : rows.subList(1, 1 + n)) {
            out.add(row.split(",")[1]);
        }
        return out;
    }

    /** Every copy's halt probability at every step, by puzzle, copy and step. */
    private static Map<String, Float> trajectories(TrmModel m, List<String> puzzles, Effort effort, int batch) {
        Map<String, Float> seen = new HashMap<>();
        m.solveAll(puzzles, HaltPolicy.fixed(), effort, batch, s -> seen.put(s.puzzle() + "/" + s.copy() + "/" + s.step(), s.haltProbability()));
        return seen;
    }

    /** Noise at the start only, and at the start and after every step. */
    @ParameterizedTest
    @ValueSource(strings = {"1x4,3x4~0.5", "1x4,3x4~~0.5"})
    void noisyCopiesAreTheSameForASeedWhateverTheirBatchMatesAndDifferFromThePlainCopy(String written) throws IOException {
        Effort noisy = Effort.parse(written);
        List<String> puzzles = puzzles(6);
        try (TrmModel m = TrmModel.load(MODEL, RuntimeConfig.cpu())) {
            Map<String, Float> together = trajectories(m, puzzles, noisy, puzzles.size());
            Map<String, Float> again = trajectories(m, puzzles, noisy, puzzles.size());
            assertEquals(together, again, "the same seed gives the same trajectories");
            for (String p : puzzles.subList(0, 2)) {
                Map<String, Float> alone = trajectories(m, List.of(p), noisy, 1);
                alone.forEach((key, prob) -> assertEquals(together.get(key), prob, key + ": alone as in the batch"));
            }
            String first = puzzles.get(0);
            // copies 1-2 are the puzzle as given: only their starting z tells them from copy 0
            assertNotEquals(together.get(first + "/0/1"), together.get(first + "/1/1"), "noise changes the trajectory");
            assertNotEquals(together.get(first + "/1/1"), together.get(first + "/2/1"), "each copy draws its own noise");
            Map<String, Float> otherSeed = trajectories(m, puzzles, noisy.withSeed(1), puzzles.size());
            assertNotEquals(together.get(first + "/1/1"), otherSeed.get(first + "/1/1"), "another seed, other noise");
            assertEquals(together.get(first + "/0/1"), otherSeed.get(first + "/0/1"), "copy 0 has no noise");
        }
    }

    @Test
    void noiseZeroIsTheSymmetryCopyItWasWithoutTheMark() throws IOException {
        List<String> puzzles = puzzles(3);
        try (TrmModel m = TrmModel.load(MODEL, RuntimeConfig.cpu())) {
            List<Solution> marked = m.solveAll(puzzles, HaltPolicy.fixed(), Effort.parse("1x3,3x3~0"), 3, null);
            List<Solution> plain = m.solveAll(puzzles, HaltPolicy.fixed(), Effort.parse("1x3,3x3"), 3, null);
            for (int i = 0; i < puzzles.size(); i++) {
                assertEquals(plain.get(i).answer(), marked.get(i).answer());
                assertEquals(plain.get(i).totalSteps(), marked.get(i).totalSteps());
                assertEquals(plain.get(i).candidates().toString(), marked.get(i).candidates().toString());
            }
        }
        assertEquals(Effort.parse("2x4"), Effort.parse("2x4~0"));
        assertTrue(Effort.parse("2x4~~0.1").stages().get(0).everyStep());
        assertEquals(Effort.parse("1xN,4x2N,8x4N,32x4N~~0.3+sym@halt"), Effort.parse("max"));
        assertTrue(Effort.parse("1xN,16x4N~0.3+sym").stages().get(1).symmetric());
        assertThrows(IllegalArgumentException.class, () -> Effort.parse("2x4~-1"));
        assertThrows(IllegalArgumentException.class, () -> Effort.parse("2x4~x"));
        assertThrows(IllegalArgumentException.class, () -> Effort.parse("2x4+sym"));
    }
}
