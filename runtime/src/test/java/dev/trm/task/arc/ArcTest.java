package dev.trm.task.arc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trm.task.PuzzleException;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ArcTest {
    private final ArcCodec codec = ArcCodec.INSTANCE;

    static ArcGrid randomGrid(Random rng) {
        int[][] g = new int[1 + rng.nextInt(30)][1 + rng.nextInt(30)];
        for (int[] row : g) {
            for (int c = 0; c < row.length; c++) {
                row[c] = rng.nextInt(10);
            }
        }
        return ArcGrid.of(g);
    }

    @Test
    void referenceEncoding() {
        assertEquals(12, codec.vocabularySize());
        assertEquals(900, codec.sequenceLength());
        ArcGrid g = ArcGrid.of(new int[][] {{0, 1}, {9, 3}});
        int[] t = codec.encode(g, 1, 2);
        int[] expected = new int[900];
        expected[1 * 30 + 2] = 2;
        expected[1 * 30 + 3] = 3;
        expected[2 * 30 + 2] = 11;
        expected[2 * 30 + 3] = 5;
        expected[1 * 30 + 4] = 1; // EOS column right of the grid, grid rows only
        expected[2 * 30 + 4] = 1;
        expected[3 * 30 + 2] = 1; // EOS row below the grid, grid columns only
        expected[3 * 30 + 3] = 1;
        assertEquals(Arrays.toString(expected), Arrays.toString(t));
    }

    @Test
    void fullCanvasHasNoEos() {
        int[][] g = new int[30][30];
        int[] t = codec.encode(ArcGrid.of(g));
        for (int v : t) {
            assertEquals(2, v);
        }
        assertEquals(ArcGrid.of(g), codec.decode(t));
    }

    @Test
    void exactRoundTripAtAnyOffset() {
        Random rng = new Random(11);
        for (int trial = 0; trial < 500; trial++) {
            ArcGrid g = randomGrid(rng);
            assertEquals(g, codec.decode(codec.encode(g)));
            int r = rng.nextInt(30 - g.height() + 1);
            int c = rng.nextInt(30 - g.width() + 1);
            assertEquals(g, codec.decode(codec.encode(g, r, c), r, c));
        }
    }

    @Test
    void decodeCropsAtTheFirstNonColour() {
        int[] t = codec.encode(ArcGrid.of(new int[][] {{1, 2, 3}, {4, 5, 6}}));
        t[1 * 30 + 2] = 1; // a stray EOS in the second row: the largest rectangle is 2x2 (area 4 > 3)
        assertEquals(ArcGrid.of(new int[][] {{1, 2}, {4, 5}}), codec.decode(t));
        assertThrows(PuzzleException.class, () -> codec.decode(new int[900]));
    }

    @Test
    void badGridsAreNamed() {
        assertTrue(assertThrows(PuzzleException.class, () -> ArcGrid.of(new int[][] {{1, 2}, {3}}))
                .getMessage().contains("row 1 has 1 cells"));
        assertTrue(assertThrows(PuzzleException.class, () -> ArcGrid.of(new int[][] {{10}}))
                .getMessage().contains("cell (0,0) is 10"));
        assertThrows(PuzzleException.class, () -> ArcGrid.of(new int[31][1]));
        assertThrows(PuzzleException.class, () -> codec.encode(ArcGrid.of(new int[3][3]), 28, 0));
    }

    @Test
    void augmentationInverseOverManySeeds() {
        Random rng = new Random(5);
        for (int trial = 0; trial < 300; trial++) {
            ArcGrid g = randomGrid(rng);
            ArcAugmentation aug = ArcAugmentation.random(rng);
            ArcGrid v = aug.apply(g);
            assertEquals(g, aug.invert(v), aug.toString());
            // black stays black
            for (int r = 0; r < g.height(); r++) {
                for (int c = 0; c < g.width(); c++) {
                    int orig = g.get(r, c);
                    if (orig == 0) {
                        assertEquals(0, aug.invert(v).get(r, c));
                    }
                }
            }
        }
    }

    @Test
    void taskVariantNamesAndOffsets() {
        Random rng = new Random(2);
        ArcTask task = new ArcTask("abc", List.of(new ArcPair(randomGrid(rng), randomGrid(rng))),
                List.of(new ArcPair(randomGrid(rng), null)));
        ArcAugmentation aug = ArcAugmentation.random(new Random(3));
        ArcTask v = aug.apply(task);
        assertTrue(v.id().startsWith("abc|||t" + aug.dihedral().id() + "|||0"), v.id());
        assertEquals(task.train().get(0).output(), aug.invert(v.train().get(0).output()));
        assertTrue(!v.test().get(0).hasOutput());
        assertEquals(ArcAugmentation.identity().apply(task).train(), task.train());
        assertNotEquals(ArcAugmentation.random(new Random(1)), ArcAugmentation.random(new Random(2)));
        for (int i = 0; i < 100; i++) {
            ArcPair p = new ArcPair(randomGrid(rng), randomGrid(rng));
            int[] off = ArcAugmentation.randomOffset(p, rng);
            codec.encode(p.input(), off[0], off[1]);
            codec.encode(p.output(), off[0], off[1]);
        }
    }
}
