package dev.trm.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trm.task.Dihedral;
import dev.trm.task.arc.ArcAugmentation;
import dev.trm.task.arc.ArcCodec;
import dev.trm.task.arc.ArcGrid;
import java.util.List;
import org.junit.jupiter.api.Test;

/** ARC in the runtime: variants from the model's identifiers, predictions mapped back, and the vote. */
class ArcPuzzleTaskTest {
    static final ArcAugmentation ROT_SWAP = new ArcAugmentation(Dihedral.ROT90, new int[] {0, 2, 1, 3, 4, 5, 6, 7, 8, 9});
    static final ArcAugmentation FLIP_CYCLE = new ArcAugmentation(Dihedral.FLIP_LR, new int[] {0, 9, 1, 2, 3, 4, 5, 6, 7, 8});

    static ArcPuzzleTask task() {
        return new ArcPuzzleTask(List.of("<blank>", "abc", ROT_SWAP.variantName("abc"), FLIP_CYCLE.variantName("abc"), "xyz"));
    }

    @Test
    void copiesAreTheTrainedVariantsUnderTheirOwnIdsAndMapBackExactly() {
        ArcPuzzleTask arc = task();
        String puzzle = "abc 012/345";
        assertEquals(3, arc.augmentationCount(puzzle));
        assertEquals(1, arc.augmentationCount("xyz 1"));
        assertEquals(1, arc.augmentation(puzzle, 0, 0).puzzleId(), "copy 0 is the task as given");
        assertEquals(puzzle, arc.augmentation(puzzle, 0, 0).apply(puzzle));
        ArcGrid grid = ArcGrid.parse("012/345");
        for (int copy = 1; copy < 3; copy++) {
            Augmentation a = arc.augmentation(puzzle, copy, 0);
            ArcAugmentation expected = copy == 1 ? ROT_SWAP : FLIP_CYCLE;
            assertEquals(1 + copy, a.puzzleId());
            assertEquals("abc " + expected.apply(grid).toText(), a.apply(puzzle));
            // the model's answer for the variant (here: the variant's own input) comes back as the original grid
            assertEquals(grid.toText(), a.restore(expected.apply(grid).toText()));
            assertEquals("", a.restore(""), "an empty prediction stays empty");
        }
    }

    @Test
    void predictionsAreCroppedAndUnknownTasksAreRefused() {
        ArcPuzzleTask arc = task();
        int[] tokens = ArcCodec.INSTANCE.encode(ArcGrid.parse("12/34"), 0, 0);
        assertEquals("12/34", arc.decode(tokens));
        assertEquals("", arc.decode(new int[ArcCodec.CANVAS * ArcCodec.CANVAS]), "no grid at the corner: an empty answer");
        assertEquals(900, arc.encode("abc 7").length);
        InvalidPuzzleException unknown = assertThrows(InvalidPuzzleException.class, () -> arc.encode("nope 1"));
        assertTrue(unknown.getMessage().contains("task 'nope' is not one this model was trained on (it knows 2 tasks)"),
                unknown.getMessage());
        InvalidPuzzleException tooBig = assertThrows(InvalidPuzzleException.class, () -> arc.encode("abc " + "1".repeat(31)));
        assertTrue(tooBig.getMessage().contains("1..30 columns"), tooBig.getMessage());
        assertThrows(InvalidPuzzleException.class, () -> arc.encode("abc"));
        assertFalse(arc.isSolution("abc 1", "1"), "ARC has no checker");
        assertThrows(ModelLoadException.class, () -> new ArcPuzzleTask(List.of("<blank>", "abc|||t9|||0123456789")));
        assertThrows(ModelLoadException.class, () -> new ArcPuzzleTask(List.of("<blank>")));
    }

    @Test
    void theVotesPickRanksByVotesThenByMeanHaltProbabilityAsTheReferenceArcEvaluatorDoes() {
        List<Candidate> ranked = Pick.VOTES.rank(Candidate.group(List.of("A", "B", "B", "C", "C", "A", "D"),
                List.of(0.9f, 0.2f, 0.4f, 0.6f, 0.8f, 0.1f, 1.0f)));
        assertEquals(List.of("C", "A", "B", "D"), ranked.stream().map(Candidate::answer).toList());
        assertEquals(2, ranked.get(0).votes());
        assertEquals(0.7, ranked.get(0).meanHaltProbability(), 1e-6, "C: mean of 0.6 and 0.8");
        assertEquals(0.5, ranked.get(1).meanHaltProbability(), 1e-6, "A: two votes at mean 0.5 beat B's two at 0.3");
        assertEquals(1, ranked.get(3).votes(), "one confident vote still ranks below two");
    }
}
