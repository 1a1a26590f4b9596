package dev.trm.runtime;

/**
 * The result of solving one puzzle.
 *
 * @param puzzle           the puzzle as given
 * @param answer           the model's answer after the last step it ran
 * @param steps            supervision steps used
 * @param haltReason       the policy that stopped it ({@code q-halt}, {@code verified}, ...) or {@code max-steps}
 * @param haltProbabilities sigmoid(q_halt) after each step
 * @param solved           whether the task checker confirms the answer
 * @param nanos            wall time of the steps this puzzle took part in
 */
public record Solution(String puzzle, String answer, int steps, String haltReason, float[] haltProbabilities,
                       boolean solved, long nanos) {
}
