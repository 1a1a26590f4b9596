package dev.trm.runtime;

/**
 * One equivalent form of a puzzle, and the way back: the model solves {@link #apply}'s text, and
 * {@link #restore} maps its answer back to the original puzzle's frame. Copies of a puzzle are
 * solved under different augmentations (Sudoku: digit, band and line permutations and transpose;
 * Maze: the eight grid symmetries).
 */
public interface Augmentation {
    /** The puzzle in this form. */
    String apply(String puzzle);

    /** An answer in this form, back in the original frame. Must accept any decoded prediction, even an invalid one. */
    String restore(String answer);

    /** The puzzle-embedding row the model uses for this form (0 for tasks with one row). */
    default long puzzleId() {
        return 0;
    }

    /** The puzzle as given. */
    Augmentation IDENTITY = new Augmentation() {
        @Override
        public String apply(String puzzle) {
            return puzzle;
        }

        @Override
        public String restore(String answer) {
            return answer;
        }

        @Override
        public String toString() {
            return "identity";
        }
    };
}
