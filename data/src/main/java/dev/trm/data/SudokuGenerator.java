package dev.trm.data;

import dev.trm.task.Permutations;
import dev.trm.task.sudoku.SudokuGrid;
import dev.trm.task.sudoku.SudokuSolver;
import java.util.Random;

/**
 * Seeded generator of Sudoku puzzles with a unique solution. A random complete grid is made by a
 * randomised solve of the empty grid; cells are then blanked in random order, keeping each removal
 * only while the solution stays unique, until the number of givens asked for is reached. The
 * rating (solver dead ends) is checked against the range asked for.
 */
public final class SudokuGenerator {
    /** Attempts per puzzle before giving up on a difficulty that is too hard to hit. */
    public static final int MAX_ATTEMPTS = 1000;

    /**
     * What to generate: the number of givens is drawn uniformly from [minGivens, maxGivens]; the
     * rating (dead ends of {@link SudokuSolver}) must fall in [minRating, maxRating].
     */
    public record Difficulty(int minGivens, int maxGivens, long minRating, long maxRating) {
        /** Fewest givens a uniquely solvable Sudoku can have. */
        public static final int MIN_POSSIBLE_GIVENS = 17;
        /**
         * Fewest givens this generator reaches reliably. Blanking cells in random order stops at a
         * minimal puzzle, which has 21 to 28 givens (3,000 grids: 21 in 0.3%, 22 or fewer in 3.5%,
         * none under 21); with {@link #MAX_ATTEMPTS} tries a range must reach 22.
         */
        public static final int FEWEST_GENERATED_GIVENS = 22;

        public Difficulty {
            if (minGivens < MIN_POSSIBLE_GIVENS || maxGivens > SudokuGrid.CELLS || minGivens > maxGivens) {
                throw new IllegalArgumentException("givens range must lie in " + MIN_POSSIBLE_GIVENS + ".."
                        + SudokuGrid.CELLS + " with min <= max, got " + minGivens + ".." + maxGivens);
            }
            if (maxGivens < FEWEST_GENERATED_GIVENS) {
                throw new IllegalArgumentException("givens range " + minGivens + ".." + maxGivens + ": the generator reaches "
                        + FEWEST_GENERATED_GIVENS + " givens at the fewest (blanking cells while the solution stays unique stops at"
                        + " 21-28); give a range whose maximum is at least " + FEWEST_GENERATED_GIVENS
                        + ", or read harder puzzles from a file");
            }
            if (minRating < 0 || minRating > maxRating) {
                throw new IllegalArgumentException("rating range must be 0 <= min <= max, got " + minRating + ".." + maxRating);
            }
        }

        public static Difficulty givens(int min, int max) {
            return new Difficulty(min, max, 0, Long.MAX_VALUE);
        }
    }

    /** A generated puzzle with its unique solution and rating. */
    public record Puzzle(SudokuGrid question, SudokuGrid answer, long rating) {
    }

    private final Random rng;

    public SudokuGenerator(long seed) {
        this.rng = new Random(seed);
    }

    public Puzzle next(Difficulty difficulty) {
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            SudokuGrid solution = SudokuSolver.solveRandomly(SudokuGrid.of(new int[SudokuGrid.CELLS]), 1, rng).firstSolution();
            int target = difficulty.minGivens() + rng.nextInt(difficulty.maxGivens() - difficulty.minGivens() + 1);
            SudokuGrid puzzle = removeCells(solution, target);
            if (puzzle.filled() != target) {
                continue; // became minimal before reaching the target
            }
            long rating = SudokuSolver.solve(puzzle, 1).deadEnds();
            if (rating >= difficulty.minRating() && rating <= difficulty.maxRating()) {
                return new Puzzle(puzzle, solution, rating);
            }
        }
        throw new IllegalArgumentException("no generated puzzle had " + difficulty.minGivens() + "-" + difficulty.maxGivens()
                + " givens and a rating of " + difficulty.minRating() + "-" + difficulty.maxRating() + " dead ends in " + MAX_ATTEMPTS
                + " attempts: widen the range");
    }

    private SudokuGrid removeCells(SudokuGrid solution, int target) {
        int[] values = solution.values();
        int filled = SudokuGrid.CELLS;
        for (int index : Permutations.random(SudokuGrid.CELLS, rng)) {
            if (filled == target) {
                break;
            }
            int kept = values[index];
            values[index] = SudokuGrid.BLANK;
            if (SudokuSolver.solve(SudokuGrid.of(values), 2).isUnique()) {
                filled--;
            } else {
                values[index] = kept;
            }
        }
        return SudokuGrid.of(values);
    }
}
