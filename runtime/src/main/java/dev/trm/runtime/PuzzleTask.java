package dev.trm.runtime;

import dev.trm.task.SeedMix;

/**
 * A task as the runtime sees it: puzzle text in, tokens to the model, answer text out, and a checker.
 * {@link PuzzleTasks} gives the task of a name or of a loaded model.
 */
public abstract class PuzzleTask {
    public abstract String name();

    public abstract int sequenceLength();

    /** Tokens of a puzzle; a bad puzzle is an {@link InvalidPuzzleException}. */
    public abstract int[] encode(String puzzle);

    /**
     * The puzzle parsed and validated once, for the solver; a bad puzzle is an
     * {@link InvalidPuzzleException} saying what is wrong with it.
     */
    public Question parse(String puzzle) {
        return new Question(puzzle, encode(puzzle), answer -> isSolution(puzzle, answer));
    }

    /** Whether {@link #encode} takes the puzzle (for ARC: a grid of a task the model was trained on). */
    public boolean accepts(String puzzle) {
        try {
            encode(puzzle);
            return true;
        } catch (InvalidPuzzleException e) {
            return false;
        }
    }

    /** The answer text of predicted tokens. */
    public abstract String decode(int[] tokens);

    /** Whether an answer is a correct solution of the puzzle (a valid Sudoku keeping the givens; a shortest maze path). */
    public abstract boolean isSolution(String puzzle, String answer);

    /** The answer drawn for people. */
    public abstract String render(String answer);

    /**
     * The augmentation of copy {@code copy} (copy 0 is the puzzle as given), drawn from the seed, the
     * copy number and the puzzle's text only, so a puzzle gets the same copies in any batch.
     */
    public abstract Augmentation augmentation(String puzzle, int copy, long seed);

    /** How many distinct augmentations a puzzle has (copies beyond it repeat one). */
    public abstract int augmentationCount(String puzzle);

    /** The answer of the task's exact solver, or null when it has none or the puzzle has no solution. */
    public abstract String solveExactly(String puzzle);

    /** A seed for copy {@code copy} of a puzzle: the same in any batch. */
    static long copySeed(long seed, int copy, String puzzle) {
        return SeedMix.mix(seed, copy, puzzle.hashCode());
    }
}
