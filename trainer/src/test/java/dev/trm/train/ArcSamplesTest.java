package dev.trm.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trm.task.arc.ArcCodec;
import dev.trm.task.arc.ArcGrid;
import dev.trm.task.arc.ArcPair;
import dev.trm.task.arc.ArcTask;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ArcSamplesTest {
    private static ArcPair pair(int[][] in, int[][] out) {
        return new ArcPair(ArcGrid.of(in), out == null ? null : ArcGrid.of(out));
    }

    /** Two small tasks: one with two demonstrations and a solved test pair, one whose test output is unknown. */
    private static Map<String, ArcTask> tasks() {
        Map<String, ArcTask> t = new LinkedHashMap<>();
        t.put("a", new ArcTask("a", Arrays.asList(pair(new int[][] {{1, 2}, {3, 4}}, new int[][] {{4, 3}, {2, 1}}),
                pair(new int[][] {{5, 0, 6}}, new int[][] {{6}, {0}, {5}})),
                Arrays.asList(pair(new int[][] {{7, 8}}, new int[][] {{8, 7}}))));
        t.put("b", new ArcTask("b", Arrays.asList(pair(new int[][] {{1}}, new int[][] {{2, 2}})),
                Arrays.asList(pair(new int[][] {{3}}, null))));
        return t;
    }

    @Test
    void everyVariantHasItsOwnIdAndTestPairsAreHeldOut() {
        PuzzleSamples plain = PuzzleSamples.arc(tasks(), 0, false, 1);
        assertEquals("arc", plain.task());
        assertEquals(3, plain.numPuzzleIds(), "blank row + 2 tasks");
        assertEquals(3, plain.size(), "the demonstration pairs");
        assertEquals(1, plain.heldOut().size(), "only test pairs with a known output");
        PuzzleSamples.Sample held = plain.heldOut().get(0);
        assertEquals(1, held.puzzleId());
        assertEquals(ArcGrid.of(new int[][] {{7, 8}}), ArcCodec.INSTANCE.decode(held.tokens()));
        assertEquals(ArcGrid.of(new int[][] {{8, 7}}), ArcCodec.INSTANCE.decode(held.labels()));

        PuzzleSamples aug = PuzzleSamples.arc(tasks(), 3, false, 1);
        int variants = aug.numPuzzleIds() - 1;
        assertTrue(variants > 2 && variants <= 2 + 2 * 3, "originals plus up to 3 distinct variants each: " + variants);
        Set<Integer> ids = new HashSet<>();
        for (PuzzleSamples.Sample s : aug.originals()) {
            ids.add(s.puzzleId());
        }
        assertEquals(variants, ids.size(), "every variant trains its own row");
        assertEquals(1, aug.heldOut().size());
        assertEquals(1, aug.heldOut().get(0).puzzleId(), "held out under the original task's id");
        assertThrows(IllegalArgumentException.class, () -> PuzzleSamples.arc(tasks(), -1, false, 1));
    }

    @Test
    void scoredCellsAreTheOutputAndItsEosBorder() {
        PuzzleSamples.Sample s = PuzzleSamples.arc(tasks(), 0, false, 1).originals().get(0);
        int scored = 0;
        for (int i = 0; i < s.labels().length; i++) {
            assertEquals(s.labels()[i] != 0, s.blank()[i]);
            scored += s.blank()[i] ? 1 : 0;
        }
        assertEquals(4 + 2 + 2, scored, "a 2x2 output, the EOS row below it and the EOS column right of it");
    }

    @Test
    void translationMovesInputAndOutputTogether() {
        PuzzleSamples moved = PuzzleSamples.arc(tasks(), 0, true, 5);
        Set<String> offsets = new HashSet<>();
        for (long pos = 0; pos < 30; pos++) {
            PuzzleSamples.Sample s = moved.at(pos);
            int[] in = corner(s.tokens());
            int[] out = corner(s.labels());
            assertEquals(Arrays.toString(in), Arrays.toString(out), "input and output share the offset");
            ArcGrid input = ArcCodec.INSTANCE.decode(s.tokens(), in[0], in[1]);
            ArcGrid output = ArcCodec.INSTANCE.decode(s.labels(), in[0], in[1]);
            List<ArcPair> demos = tasks().get(s.puzzleId() == 1 ? "a" : "b").train();
            assertTrue(demos.contains(new ArcPair(input, output)), "the sample is a demonstration, moved");
            offsets.add(Arrays.toString(in));
        }
        assertTrue(offsets.size() > 10, "offsets vary: " + offsets.size());
        String seed5 = Arrays.toString(moved.at(0).tokens()) + Arrays.toString(moved.at(1).tokens());
        PuzzleSamples other = PuzzleSamples.arc(tasks(), 0, true, 6);
        assertNotEquals(seed5, Arrays.toString(other.at(0).tokens()) + Arrays.toString(other.at(1).tokens()), "another seed, other offsets");
        assertEquals(Arrays.toString(moved.at(7).tokens()), Arrays.toString(PuzzleSamples.arc(tasks(), 0, true, 5).at(7).tokens()),
                "a position fixes the sample");
    }

    /** Row and column of the first colour token (the grid's top-left corner). */
    private static int[] corner(int[] tokens) {
        int minRow = ArcCodec.CANVAS;
        int minCol = ArcCodec.CANVAS;
        for (int i = 0; i < tokens.length; i++) {
            if (tokens[i] >= ArcCodec.COLOUR_OFFSET) {
                minRow = Math.min(minRow, i / ArcCodec.CANVAS);
                minCol = Math.min(minCol, i % ArcCodec.CANVAS);
            }
        }
        return new int[] {minRow, minCol};
    }
}
