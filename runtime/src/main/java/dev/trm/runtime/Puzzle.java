package dev.trm.runtime;

import java.util.ArrayList;
import java.util.List;

/** One puzzle submitted to a {@link Solver}: how it is solved, its copies, the effort stage it is in, its result once done. */
final class Puzzle {
    final int index;
    final Question question;
    final HaltPolicy policy;
    final Effort effort;
    /** The step budget of each effort stage. */
    final int[] budgets;
    final List<Lane> lanes = new ArrayList<>();
    int stage;
    long nanos;
    Solution solution;

    Puzzle(int index, Question question, HaltPolicy policy, Effort effort, int[] budgets) {
        this.index = index;
        this.question = question;
        this.policy = policy;
        this.effort = effort;
        this.budgets = budgets;
    }

    String text() {
        return question.text();
    }

    /** Whether this stage was the effort's last. */
    boolean inLastStage() {
        return stage + 1 >= budgets.length;
    }

    /** Steps run by all of its copies. */
    int totalSteps() {
        int total = 0;
        for (Lane lane : lanes) {
            total += lane.steps;
        }
        return total;
    }

    /** The copies' last answers, grouped and ranked as the effort picks. */
    List<Candidate> rankedAnswers() {
        List<String> answers = new ArrayList<>();
        List<Float> probabilities = new ArrayList<>();
        for (Lane lane : lanes) {
            if (lane.last != null) {
                answers.add(lane.last.answer());
                probabilities.add(lane.last.haltProbability());
            }
        }
        return effort.pick().rank(Candidate.group(answers, probabilities));
    }

    /** The surest copy whose last answer is {@code answer}. */
    Lane laneOf(String answer) {
        Lane best = null;
        for (Lane lane : lanes) {
            if (lane.last != null && lane.last.answer().equals(answer)
                    && (best == null || lane.last.haltProbability() > best.last.haltProbability())) {
                best = lane;
            }
        }
        return best;
    }
}
