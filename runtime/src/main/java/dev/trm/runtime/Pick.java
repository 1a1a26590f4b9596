package dev.trm.runtime;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * How a puzzle's answer is chosen from its copies' last answers when no copy's answer was verified
 * (a task without a checker, ARC say, or an evaluation with the checker turned off). Each pick ranks
 * the distinct answers ({@link Candidate}s); the first is the answer.
 */
public enum Pick {
    /** Most copies first, ties by the higher mean halt probability: the reference ARC evaluator's vote. */
    VOTES("votes", Comparator.comparingInt(Candidate::votes).thenComparingDouble(Candidate::meanHaltProbability)),
    /** The answer of the copy most sure of itself (highest sigmoid(q_halt)), ties by votes: PTRM's pick by the Q head. */
    HALT("halt", Comparator.comparingDouble(Candidate::maxHaltProbability).thenComparingInt(Candidate::votes)),
    /** Votes weighted by confidence: the highest sum of the copies' halt probabilities, ties by the most sure copy. */
    WEIGHTED("weighted", Comparator.comparingDouble(Candidate::haltProbabilitySum).thenComparingDouble(Candidate::maxHaltProbability));

    private final String label;
    /** Orders candidates from worst to best (ranked reversed). */
    private final Comparator<Candidate> order;

    Pick(String label, Comparator<Candidate> order) {
        this.label = label;
        this.order = order;
    }

    /** The name the command line and effort texts use ({@code max@halt}). */
    public String label() {
        return label;
    }

    /** The candidates, best first; candidates this pick cannot tell apart keep their order (first appearance). */
    public List<Candidate> rank(List<Candidate> candidates) {
        List<Candidate> out = new ArrayList<>(candidates);
        out.sort(order.reversed()); // List.sort is stable
        return out;
    }

    /** A pick by its name: {@code votes}, {@code halt} or {@code weighted}. */
    public static Pick parse(String name) {
        for (Pick p : values()) {
            if (p.label.equals(name.trim())) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown pick '" + name + "' (votes, halt, weighted)");
    }

    @Override
    public String toString() {
        return label;
    }
}
