package dev.trm.runtime;

/** Sees every puzzle after every supervision step: the current answer and halt probability (for a UI that shows the model thinking). */
@FunctionalInterface
public interface StepObserver {
    void onStep(StepState state);

    /**
     * Whether this puzzle's step states should carry each cell's confidence ({@link StepState#confidence()}):
     * a softmax over each cell's logits, computed only for the puzzles an observer asks for.
     *
     * @param puzzleIndex the puzzle's id in its solver ({@link StepState#puzzleIndex()})
     */
    default boolean wantsConfidence(int puzzleIndex) {
        return false;
    }
}
