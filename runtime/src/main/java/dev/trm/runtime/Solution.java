package dev.trm.runtime;

import java.util.List;

/**
 * The result of solving one puzzle.
 *
 * @param puzzle            the puzzle as given
 * @param answer            the answer: a verified copy's, else the first candidate (or the exact solver's, see {@code solvedBy})
 * @param steps             supervision steps of the copy that gave the answer
 * @param copy              which copy gave the answer (0: the puzzle as given)
 * @param haltReason        why that copy stopped: the policy that fired ({@code q-halt}, {@code verified}, ...) or {@code max-steps}
 * @param haltProbabilities sigmoid(q_halt) of that copy after each of its steps
 * @param solved            whether the task checker confirms the answer
 * @param nanos             wall time of the steps this puzzle took part in
 * @param copies            copies of the puzzle that ran (1 without test-time compute)
 * @param totalSteps        supervision steps summed over the copies: the compute the puzzle took
 * @param stage             the effort stage the puzzle ended in (0: the first)
 * @param candidates        the copies' distinct answers, ranked as the effort's {@link Pick} says (by votes by default)
 * @param solvedBy          {@link #MODEL}, or {@link #EXACT} when the exact solver completed a puzzle the model did not verify
 */
public record Solution(String puzzle, String answer, int steps, int copy, String haltReason, float[] haltProbabilities,
                       boolean solved, long nanos, int copies, int totalSteps, int stage, List<Candidate> candidates,
                       String solvedBy) {
    /** {@link #solvedBy}: the model's own answer. */
    public static final String MODEL = "model";
    /** {@link #solvedBy}: the task's exact solver, after the model could not verify an answer. */
    public static final String EXACT = "exact";

    /** Whether the model itself produced a verified answer (the figure to report for the model). */
    public boolean solvedByModel() {
        return solved && MODEL.equals(solvedBy);
    }
}
