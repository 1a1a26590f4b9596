package dev.trm.runtime;

/**
 * One distinct answer among a puzzle's copies: how many copies gave it and how sure they were.
 * Candidates rank by votes, then by mean halt probability (as the reference ARC evaluator ranks).
 *
 * @param answer              the answer, in the puzzle's own frame
 * @param votes               copies whose last answer it was
 * @param meanHaltProbability mean sigmoid(q_halt) of those copies at their last step
 */
public record Candidate(String answer, int votes, double meanHaltProbability) {
}
