package dev.trm.runtime;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One distinct answer among a puzzle's copies: how many copies gave it and how sure they were.
 * A {@code Pick} ranks them (its votes pick as the reference ARC evaluator ranks: by votes, then by
 * mean halt probability).
 *
 * @param answer              the answer, in the puzzle's own frame
 * @param votes               copies whose last answer it was
 * @param meanHaltProbability mean sigmoid(q_halt) of those copies at their last step
 * @param maxHaltProbability  the largest sigmoid(q_halt) among those copies at their last step
 */
public record Candidate(String answer, int votes, double meanHaltProbability, double maxHaltProbability) {
    /** The sum of the halt probabilities of the copies that gave this answer (votes weighted by confidence). */
    public double haltProbabilitySum() {
        return votes * meanHaltProbability;
    }

    /**
     * The distinct answers of some copies, in order of first appearance.
     *
     * @param answers           each copy's last answer (in the puzzle's own frame)
     * @param haltProbabilities each copy's sigmoid(q_halt) at its last step, same order
     */
    public static List<Candidate> group(List<String> answers, List<Float> haltProbabilities) {
        Map<String, double[]> seen = new LinkedHashMap<>(); // answer -> {count, sum of probabilities, largest probability}
        for (int i = 0; i < answers.size(); i++) {
            double[] v = seen.computeIfAbsent(answers.get(i), k -> new double[] {0, 0, Double.NEGATIVE_INFINITY});
            double p = haltProbabilities.get(i);
            v[0]++;
            v[1] += p;
            v[2] = Math.max(v[2], p);
        }
        List<Candidate> out = new ArrayList<>();
        seen.forEach((answer, v) -> out.add(new Candidate(answer, (int) v[0], v[1] / v[0], v[2])));
        return out;
    }
}
