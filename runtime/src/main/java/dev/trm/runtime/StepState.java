package dev.trm.runtime;

/** One puzzle after one supervision step: what a policy or an observer sees. */
public final class StepState {
    private final Question question;
    private final boolean checked;
    private final int puzzleIndex;
    private final int step;
    private final String answer;
    private final float haltProbability;
    private final int copy;
    private final float[] confidence;
    private Boolean solved;

    /** {@code checked} is false when the effort turns the checker off: no answer is then solved as far as a policy can see. */
    StepState(Question question, boolean checked, int puzzleIndex, int step, String answer, float haltProbability, int copy) {
        this(question, checked, puzzleIndex, step, answer, haltProbability, copy, null);
    }

    StepState(Question question, boolean checked, int puzzleIndex, int step, String answer, float haltProbability, int copy,
              float[] confidence) {
        this.confidence = confidence;
        this.question = question;
        this.checked = checked;
        this.puzzleIndex = puzzleIndex;
        this.step = step;
        this.answer = answer;
        this.haltProbability = haltProbability;
        this.copy = copy;
    }

    /** Which copy of the puzzle this is (0: the puzzle as given; others run under an augmentation). */
    public int copy() {
        return copy;
    }

    /** Position of the puzzle in the batch it was submitted with. */
    public int puzzleIndex() {
        return puzzleIndex;
    }

    public String puzzle() {
        return question.text();
    }

    /** Supervision steps this copy has done so far (1-based). */
    public int step() {
        return step;
    }

    /** The arg-max answer after this step, in the puzzle's own frame (a copy's answer is mapped back). */
    public String answer() {
        return answer;
    }

    /**
     * Each cell's confidence after this step: the largest softmax probability of its logits, in the
     * order of {@link #answer()}'s cells; null unless the observer asked for it
     * ({@link StepObserver#wantsConfidence}), and for a copy solved under an augmentation (its cells
     * are in another frame).
     */
    public float[] confidence() {
        return confidence == null ? null : confidence.clone();
    }

    /** sigmoid(q_halt): the model's belief that the answer is right. */
    public float haltProbability() {
        return haltProbability;
    }

    /** Whether the task checker confirms the answer (computed once, on demand); false when the effort turns the checker off. */
    public boolean isSolved() {
        if (solved == null) {
            solved = checked && question.isSolution(answer);
        }
        return solved;
    }
}
