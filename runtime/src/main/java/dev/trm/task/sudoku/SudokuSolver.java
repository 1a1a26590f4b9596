package dev.trm.task.sudoku;

import dev.trm.task.Permutations;
import java.util.Arrays;
import java.util.Random;

/**
 * Exact Sudoku solver: candidate bitmasks per cell, propagation of naked singles (a cell with one
 * candidate) and hidden singles (a digit with one place left in a row, column or box), and
 * depth-first search that branches on the blank cell with the fewest candidates. Counts solutions
 * up to a limit, which proves uniqueness, and counts dead ends (contradictions met before the first
 * solution), which rates difficulty: 0 means singles alone solve the puzzle.
 */
public final class SudokuSolver {
    private static final int SIDE = SudokuGrid.SIDE;
    private static final int CELLS = SudokuGrid.CELLS;
    private static final int UNITS = 3 * SIDE;
    private static final int ALL_DIGITS = 0x3FE; // bits 1..9
    private static final int[][] UNIT_CELLS = new int[UNITS][SIDE];
    private static final int[][] PEERS = new int[CELLS][];

    static {
        for (int u = 0; u < UNITS; u++) {
            for (int k = 0; k < SIDE; k++) {
                UNIT_CELLS[u][k] = SudokuGrid.unitCell(u, k);
            }
        }
        for (int i = 0; i < CELLS; i++) {
            boolean[] peer = new boolean[CELLS];
            for (int[] unit : UNIT_CELLS) {
                boolean contains = false;
                for (int c : unit) {
                    contains |= c == i;
                }
                if (contains) {
                    for (int c : unit) {
                        peer[c] = c != i;
                    }
                }
            }
            int n = 0;
            int[] list = new int[2 * (SIDE - 1) + (SudokuGrid.BOX - 1) * (SudokuGrid.BOX - 1)];
            for (int c = 0; c < CELLS; c++) {
                if (peer[c]) {
                    list[n++] = c;
                }
            }
            PEERS[i] = list;
        }
    }

    /**
     * @param firstSolution the first solution found, or {@code null} when there is none
     * @param solutions     number of solutions found, at most the limit asked for
     * @param deadEnds      contradictions met before the first solution (0 when singles solve it)
     */
    public record Result(SudokuGrid firstSolution, int solutions, long deadEnds) {
        public boolean isUnique() {
            return solutions == 1;
        }
    }

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
        int[] cand = new int[CELLS];
        int[] value = new int[CELLS];
        Arrays.fill(cand, ALL_DIGITS);
        boolean ok = true;
        for (int i = 0; i < CELLS && ok; i++) {
            int d = puzzle.get(i);
            if (d != SudokuGrid.BLANK) {
                ok = assign(cand, value, i, d);
            }
        }
        if (ok) {
            search(cand, value);
        } else {
            deadEnds++;
        }
        return new Result(first == null ? null : SudokuGrid.of(first), found, deadEnds);
    }

    /** Places a digit and removes it from the peers; false when a peer is left without candidates. */
    private static boolean assign(int[] cand, int[] value, int cell, int digit) {
        int bit = 1 << digit;
        if ((cand[cell] & bit) == 0) {
            return false;
        }
        value[cell] = digit;
        cand[cell] = bit;
        for (int p : PEERS[cell]) {
            if ((cand[p] & bit) != 0) {
                cand[p] &= ~bit;
                if (cand[p] == 0) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Applies naked and hidden singles until nothing changes; false on a contradiction. */
    private static boolean propagate(int[] cand, int[] value) {
        boolean changed = true;
        while (changed) {
            changed = false;
            for (int i = 0; i < CELLS; i++) {
                if (value[i] == SudokuGrid.BLANK && Integer.bitCount(cand[i]) == 1) {
                    if (!assign(cand, value, i, Integer.numberOfTrailingZeros(cand[i]))) {
                        return false;
                    }
                    changed = true;
                }
            }
            for (int[] unit : UNIT_CELLS) {
                int once = 0;
                int twice = 0;
                int placed = 0;
                for (int c : unit) {
                    if (value[c] != SudokuGrid.BLANK) {
                        placed |= cand[c];
                    } else {
                        twice |= once & cand[c];
                        once |= cand[c];
                    }
                }
                if ((once | placed) != ALL_DIGITS) {
                    return false; // some digit has no place left in this unit
                }
                int hidden = once & ~twice & ~placed;
                while (hidden != 0) {
                    int bit = hidden & -hidden;
                    hidden &= hidden - 1;
                    for (int c : unit) {
                        if (value[c] == SudokuGrid.BLANK && (cand[c] & bit) != 0) {
                            if (!assign(cand, value, c, Integer.numberOfTrailingZeros(bit))) {
                                return false;
                            }
                            changed = true;
                            break;
                        }
                    }
                }
            }
        }
        return true;
    }

    private void search(int[] cand, int[] value) {
        if (!propagate(cand, value)) {
            if (first == null) {
                deadEnds++;
            }
            return;
        }
        int best = -1;
        int bestCount = Integer.MAX_VALUE;
        for (int i = 0; i < CELLS; i++) {
            if (value[i] == SudokuGrid.BLANK) {
                int count = Integer.bitCount(cand[i]);
                if (count < bestCount) {
                    best = i;
                    bestCount = count;
                }
            }
        }
        if (best < 0) {
            found++;
            if (first == null) {
                first = value.clone();
            }
            return;
        }
        for (int d : digitOrder()) {
            if ((cand[best] & (1 << d)) == 0) {
                continue;
            }
            int[] c2 = cand.clone();
            int[] v2 = value.clone();
            if (assign(c2, v2, best, d)) {
                search(c2, v2);
            } else if (first == null) {
                deadEnds++;
            }
            if (found >= limit) {
                return;
            }
        }
    }

    private int[] digitOrder() {
        int[] order = new int[SIDE];
        int[] p = shuffle == null ? null : Permutations.random(SIDE, shuffle);
        for (int k = 0; k < SIDE; k++) {
            order[k] = (p == null ? k : p[k]) + 1;
        }
        return order;
    }
}
