package dev.trm.task;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

class DihedralTest {
    private static final int[][] G = {{1, 2, 3}, {4, 5, 6}};

    @Test
    void matchesTheReferenceNumbering() {
        // numpy: rot90 is counter-clockwise; 7 = fliplr(rot90(x)), the anti-diagonal reflection
        assertArrayEquals(new int[][] {{1, 2, 3}, {4, 5, 6}}, Dihedral.of(0).apply(G));
        assertArrayEquals(new int[][] {{3, 6}, {2, 5}, {1, 4}}, Dihedral.of(1).apply(G));
        assertArrayEquals(new int[][] {{6, 5, 4}, {3, 2, 1}}, Dihedral.of(2).apply(G));
        assertArrayEquals(new int[][] {{4, 1}, {5, 2}, {6, 3}}, Dihedral.of(3).apply(G));
        assertArrayEquals(new int[][] {{3, 2, 1}, {6, 5, 4}}, Dihedral.of(4).apply(G));
        assertArrayEquals(new int[][] {{4, 5, 6}, {1, 2, 3}}, Dihedral.of(5).apply(G));
        assertArrayEquals(new int[][] {{1, 4}, {2, 5}, {3, 6}}, Dihedral.of(6).apply(G));
        assertArrayEquals(new int[][] {{6, 3}, {5, 2}, {4, 1}}, Dihedral.of(7).apply(G));
    }

    @Test
    void inverseUndoesEveryTransformOnRandomRectangles() {
        Random rng = new Random(1);
        for (int trial = 0; trial < 200; trial++) {
            int[][] g = new int[1 + rng.nextInt(30)][1 + rng.nextInt(30)];
            for (int[] row : g) {
                for (int c = 0; c < row.length; c++) {
                    row[c] = rng.nextInt(10);
                }
            }
            for (Dihedral t : Dihedral.values()) {
                assertArrayEquals(g, t.inverse().apply(t.apply(g)), t.name());
            }
        }
        int[] expected = {0, 3, 2, 1, 4, 5, 6, 7};
        for (Dihedral t : Dihedral.values()) {
            assertEquals(expected[t.id()], t.inverse().id());
        }
    }
}
