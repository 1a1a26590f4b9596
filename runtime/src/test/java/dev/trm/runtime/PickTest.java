package dev.trm.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** How an answer is picked from copies that nothing verified: by votes, by the surest copy, or by votes weighted by confidence. */
class PickTest {
    /** A: three unsure copies; B: one sure copy; C: two fairly sure copies. Each pick prefers another. */
    private static final List<Candidate> CANDIDATES = Candidate.group(List.of("A", "B", "A", "C", "A", "C"),
            List.of(0.2f, 0.95f, 0.1f, 0.6f, 0.3f, 0.7f));

    private static List<String> answers(Pick pick, List<Candidate> candidates) {
        return pick.rank(candidates).stream().map(Candidate::answer).toList();
    }

    @Test
    void groupingCountsVotesAndKeepsTheMeanAndTheLargestHaltProbability() {
        assertEquals(List.of("A", "B", "C"), CANDIDATES.stream().map(Candidate::answer).toList(), "in order of first appearance");
        Candidate a = CANDIDATES.get(0);
        assertEquals(3, a.votes());
        assertEquals(0.2, a.meanHaltProbability(), 1e-6);
        assertEquals(0.3, a.maxHaltProbability(), 1e-6);
        assertEquals(0.6, a.haltProbabilitySum(), 1e-6);
    }

    @Test
    void votesPickTheMostCopiesTheHaltPickTheSurestCopyAndTheWeightedPickTheLargestSum() {
        assertEquals(List.of("A", "C", "B"), answers(Pick.VOTES, CANDIDATES), "3 votes, 2, 1");
        assertEquals(List.of("B", "C", "A"), answers(Pick.HALT, CANDIDATES), "0.95, 0.7, 0.3");
        assertEquals(List.of("C", "B", "A"), answers(Pick.WEIGHTED, CANDIDATES), "sums 1.3, 0.95, 0.6");
    }

    @Test
    void eachPickBreaksItsTiesByTheOtherMeasureThenByFirstAppearance() {
        List<Candidate> tied = Candidate.group(List.of("A", "B", "B", "C"), List.of(0.8f, 0.8f, 0.4f, 0.6f));
        assertEquals(List.of("B", "A", "C"), answers(Pick.HALT, tied), "A and B both reach 0.8: B has two votes");
        assertEquals(List.of("B", "A", "C"), answers(Pick.VOTES, tied), "B has two votes; A's mean 0.8 beats C's 0.6");
        assertEquals(List.of("B", "A", "C"), answers(Pick.WEIGHTED, tied), "sums 1.2, 0.8, 0.6");
        List<Candidate> same = Candidate.group(List.of("X", "Y"), List.of(0.5f, 0.5f));
        for (Pick p : Pick.values()) {
            assertEquals(List.of("X", "Y"), answers(p, same), p + " keeps the first of two it cannot tell apart");
        }
    }

    @Test
    void anEffortNamesItsPickAfterAnAtSign() {
        assertEquals(Pick.VOTES, Effort.parse("adaptive").pick(), "votes unless told otherwise");
        Effort halt = Effort.parse("adaptive@halt");
        assertEquals(Pick.HALT, halt.pick());
        assertEquals(Effort.adaptive().stages(), halt.stages());
        assertEquals(Pick.VOTES, Effort.parse("max@votes").pick(), "max picks by the halt head unless told otherwise");
        assertEquals(Pick.WEIGHTED, Effort.parse("1xN,8x2N~~0.3+sym@weighted").pick());
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class, () -> Effort.parse("max@best"));
        assertTrue(unknown.getMessage().contains("effort 'max@best': unknown pick 'best' (votes, halt, weighted)"), unknown.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Effort.parse("1x@halt"), "the stages before the pick are checked too");
        IllegalArgumentException noChecker = assertThrows(IllegalArgumentException.class,
                () -> Effort.adaptive().withChecker(false).withFallback(true));
        assertTrue(noChecker.getMessage().contains("needs the checker"), noChecker.getMessage());
    }
}
