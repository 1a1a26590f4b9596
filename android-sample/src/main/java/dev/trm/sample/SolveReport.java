package dev.trm.sample;

import dev.trm.runtime.Solution;
import java.util.Collections;
import java.util.List;

/**
 * One solve as the app shows it: the model's answer after every supervision step (its "thinking"),
 * and how the recursion ended.
 *
 * @param puzzle   the puzzle as given (81 characters, {@code .} for blank)
 * @param frames   the answer after each step, in order
 * @param solution the runtime's result: final answer, steps, halt reason, whether it checks out
 * @param millis   wall time of the solve on this device
 */
public record SolveReport(String puzzle, List<Frame> frames, Solution solution, double millis) {
    public SolveReport {
        frames = Collections.unmodifiableList(frames);
    }

    /**
     * The answer after one supervision step.
     *
     * @param step            1-based step number
     * @param answer          81 digits
     * @param haltProbability sigmoid(q_halt): the model's own belief that it is done
     * @param changedCells    cells whose digit differs from the previous step's answer (all blanks for step 1)
     */
    public record Frame(int step, String answer, float haltProbability, int changedCells) {
    }

    public String answer() {
        return solution.answer();
    }

    public int steps() {
        return solution.steps();
    }

    /** Whether the Sudoku checker confirms the answer: a complete, valid grid that keeps every given. */
    public boolean verified() {
        return solution.solved();
    }
}
