package dev.trm.task.sudoku;

import dev.trm.task.Permutations;
import java.util.Random;

/**
 * Exact Sudoku solver: candidate bitmasks per row, column and box, and depth-first search that
 * always branches on the blank cell with the fewest candidates (a cell with one candidate is a
 * naked single, so propagation comes for free). Counts solutions up to a limit, which proves
 * uniqueness, and counts dead ends, which rates difficulty.
 */
public final class SudokuSolver {
    private static final int SIDE = SudokuGrid.SIDE;
    private static final int ALL_DIGITS = 0x3FE; // bits 1..9

    /**
     * @param firstSolution the first solution found, or {@code null} when there is none
     * @param solutions     number of solutions found, at most the limit asked for
     * @param deadEnds      cells with no candidate met before the first solution (0 for singles-only puzzles)
     */
    public record Result(SudokuGrid firstSolution, int solutions, long deadEnds) {
        public boolean isUnique() {
            return solutions == 1;
        }
    }

    private final int[] cells = new int[SudokuGrid.CELLS];
    private final int[] rowUsed = new int[SIDE];
    private final int[] colUsed = new int[SIDE];
    private final int[] boxUsed = new int[SIDE];
    private final Random shuffle;
    private int limit;
    private int found;
    private long deadEnds;
    private int[] first;

    private SudokuSolver(Random shuffle) {
        this.shuffle = shuffle;
    }

    /** Solves and counts solutions up to {@code limit} (2 proves uniqueness). */
    public static Result solve(SudokuGrid puzzle, int limit) {
        return new SudokuSolver(null).run(puzzle, limit);
    }

    /** The first solution, or {@code null} if the puzzle has none. */
    public static SudokuGrid solve(SudokuGrid puzzle) {
        return solve(puzzle, 1).firstSolution();
    }

    /** Like {@link #solve(SudokuGrid, int)} but tries candidates in a seeded random order. */
    public static Result solveRandomly(SudokuGrid puzzle, int limit, Random rng) {
        return new SudokuSolver(rng).run(puzzle, limit);
    }

    private Result run(SudokuGrid puzzle, int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("solution limit must be at least 1, got " + limit);
        }
        puzzle.requireConsistent();
        this.limit = limit;
        for (int i = 0; i < SudokuGrid.CELLS; i++) {
            int d = puzzle.get(i);
            if (d != SudokuGrid.BLANK) {
                place(i, d);
            }
        }
        search();
        return new Result(first == null ? null : SudokuGrid.of(first), found, deadEnds);
    }

    private static int box(int index) {
        return index / SIDE / SudokuGrid.BOX * SudokuGrid.BOX + index % SIDE / SudokuGrid.BOX;
    }

    private void place(int index, int digit) {
        int bit = 1 << digit;
        cells[index] = digit;
        rowUsed[index / SIDE] |= bit;
        colUsed[index % SIDE] |= bit;
        boxUsed[box(index)] |= bit;
    }

    private void clear(int index, int digit) {
        int bit = ~(1 << digit);
        cells[index] = SudokuGrid.BLANK;
        rowUsed[index / SIDE] &= bit;
        colUsed[index % SIDE] &= bit;
        boxUsed[box(index)] &= bit;
    }

    private int candidates(int index) {
        return ALL_DIGITS & ~(rowUsed[index / SIDE] | colUsed[index % SIDE] | boxUsed[box(index)]);
    }

    private void search() {
        int best = -1;
        int bestMask = 0;
        int bestCount = Integer.MAX_VALUE;
        for (int i = 0; i < SudokuGrid.CELLS && bestCount > 1; i++) {
            if (cells[i] != SudokuGrid.BLANK) {
                continue;
            }
            int mask = candidates(i);
            int count = Integer.bitCount(mask);
            if (count < bestCount) {
                best = i;
                bestMask = mask;
                bestCount = count;
                if (count == 0) {
                    break;
                }
            }
        }
        if (best < 0) {
            found++;
            if (first == null) {
                first = cells.clone();
            }
            return;
        }
        if (bestCount == 0) {
            if (first == null) {
                deadEnds++;
            }
            return;
        }
        int[] order = digitOrder();
        for (int d : order) {
            if ((bestMask & (1 << d)) == 0) {
                continue;
            }
            place(best, d);
            search();
            clear(best, d);
            if (found >= limit) {
                return;
            }
        }
    }

    private int[] digitOrder() {
        int[] order = new int[SIDE];
        if (shuffle == null) {
            for (int k = 0; k < SIDE; k++) {
                order[k] = k + 1;
            }
        } else {
            int[] p = Permutations.random(SIDE, shuffle);
            for (int k = 0; k < SIDE; k++) {
                order[k] = p[k] + 1;
            }
        }
        return order;
    }
}
