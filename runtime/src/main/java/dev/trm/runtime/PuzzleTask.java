package dev.trm.runtime;

import dev.trm.task.SeedMix;
import dev.trm.task.TaskKind;
import java.util.Arrays;
import java.util.Collections;

/** A task as the runtime sees it: puzzle text in, tokens to the model, answer text out, and a checker. */
public abstract class PuzzleTask {
    /** A task by name, for tasks that need nothing from a model (Sudoku, Maze). */
    public static PuzzleTask forName(String task) {
        TaskKind kind;
        try {
            kind = TaskKind.of(task);
        } catch (IllegalArgumentException e) {
            throw new ModelLoadException(e.getMessage() + ": not supported by this runtime", e);
        }
        switch (kind) {
            case SUDOKU: return new SudokuPuzzleTask();
            case MAZE: return new MazePuzzleTask();
            default: throw new ModelLoadException("an ARC task comes from its model's puzzle identifiers, not a name");
        }
    }

    /** The task of a loaded model (ARC reads the model's puzzle identifiers). */
    static PuzzleTask of(ModelInfo info) {
        if (TaskKind.ARC.is(info.task())) {
            String ids = info.metadata().get(StepContract.PUZZLE_IDENTIFIERS);
            return new ArcPuzzleTask(ids == null ? Collections.emptyList() : Arrays.asList(ids.split("\n", -1)));
        }
        return forName(info.task());
    }

    public abstract String name();

    public abstract int sequenceLength();

    /** Tokens of a puzzle; a bad puzzle is an {@link InvalidPuzzleException}. */
    public abstract int[] encode(String puzzle);

    /**
     * The puzzle parsed and validated once, for the solver; a bad puzzle is an
     * {@link InvalidPuzzleException} saying what is wrong with it.
     */
    public Question parse(String puzzle) {
        return new Question(puzzle, encode(puzzle));
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
