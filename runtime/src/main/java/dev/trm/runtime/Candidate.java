package dev.trm.runtime;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One distinct answer among a puzzle's copies: how many copies gave it and how sure they were.
 * Candidates rank by votes, then by mean halt probability (as the reference ARC evaluator ranks).
 *
 * @param answer              the answer, in the puzzle's own frame
 * @param votes               copies whose last answer it was
 * @param meanHaltProbability mean sigmoid(q_halt) of those copies at their last step
 */
public record Candidate(String answer, int votes, double meanHaltProbability) {
    /**
     * The distinct answers of some copies, ranked: most votes first, ties by the higher mean halt
     * probability, remaining ties in order of first appearance.
     *
     * @param answers          each copy's last answer (in the puzzle's own frame)
     * @param haltProbabilities each copy's sigmoid(q_halt) at its last step, same order
     */
    public static List<Candidate> rank(List<String> answers, List<Float> haltProbabilities) {
        Map<String, double[]> votes = new LinkedHashMap<>(); // answer -> {count, sum of probabilities}
        for (int i = 0; i < answers.size(); i++) {
            double[] v = votes.computeIfAbsent(answers.get(i), k -> new double[2]);
            v[0]++;
            v[1] += haltProbabilities.get(i);
        }
        List<Candidate> out = new ArrayList<>();
        votes.forEach((answer, v) -> out.add(new Candidate(answer, (int) v[0], v[1] / v[0])));
        out.sort(Comparator.comparingInt(Candidate::votes).reversed()
                .thenComparing(Comparator.comparingDouble(Candidate::meanHaltProbability).reversed()));
        return out;
    }
}
