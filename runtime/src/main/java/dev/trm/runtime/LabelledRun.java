package dev.trm.runtime;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;

/**
 * One solve of labelled puzzles under a policy and an effort, as {@code trm eval} measures it: the
 * solutions in order, the effort they ran under, the wall time, and (when asked) how many answers
 * were the label after each step. {@link #score} turns it into a {@link Scorecard}.
 *
 * @param exactByStep answers equal to their label after each step (every copy's step counted), or null when not counted
 */
public record LabelledRun(List<Solution> solutions, Effort effort, double ms, int[] exactByStep) {

    /**
     * Solves the puzzles {@code batch} at a time.
     *
     * @param countByStep whether to count the answers equal to their labels after each step (for a plain solve)
     * @param progress    told the number of puzzles solved after each batch (or null)
     */
    public static LabelledRun solve(TrmModel model, List<Question> questions, List<String> labels, HaltPolicy policy, Effort effort,
                                    int batch, boolean countByStep, IntConsumer progress) {
        if (questions.size() != labels.size()) {
            throw new IllegalArgumentException(questions.size() + " puzzles for " + labels.size() + " labels");
        }
        int[] exactByStep = countByStep ? new int[effort.budgets(model.info().haltMaxSteps())[effort.stages().size() - 1]] : null;
        List<Solution> solutions = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int start = 0; start < questions.size(); start += batch) {
            List<Question> part = questions.subList(start, Math.min(questions.size(), start + batch));
            int offset = start;
            solutions.addAll(model.solveQuestions(part, policy, effort, part.size(), exactByStep == null ? null : st -> {
                if (st.answer().equals(labels.get(offset + st.puzzleIndex()))) {
                    exactByStep[st.step() - 1]++;
                }
            }));
            if (progress != null) {
                progress.accept(solutions.size());
            }
        }
        return new LabelledRun(solutions, effort, (System.nanoTime() - t0) / 1e6, exactByStep);
    }

    /** The scorecard, each puzzle answered as {@code answering} says. */
    public Scorecard score(PuzzleTask task, List<String> labels, Scorecard.Answering answering) {
        return Scorecard.of(task, solutions, labels, answering);
    }

    public double msPerPuzzle() {
        return ms / solutions.size();
    }
}
