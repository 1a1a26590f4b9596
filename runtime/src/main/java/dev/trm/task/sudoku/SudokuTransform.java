package dev.trm.task.sudoku;

import dev.trm.task.Permutations;
import java.util.Arrays;
import java.util.Objects;
import java.util.Random;

/**
 * A validity-preserving Sudoku symmetry, as the reference Sudoku builder draws it: a permutation
 * of the digits 1..9, an optional transpose, a permutation of the bands and of the rows inside each
 * band, and a permutation of the stacks and of the columns inside each stack. Applied to a question
 * and its answer, it gives a new question whose answer is the transformed answer.
 *
 * <p>{@code out[r][c] = digitMap[t(x)[rowOrder[r]][colOrder[c]]]} where {@code t} transposes when
 * {@code transpose} is set.
 *
 * @param digitMap digitMap[d] is the new digit for d (index 0 maps blank to blank)
 * @param rowOrder output row r takes source row rowOrder[r]
 * @param colOrder output column c takes source column colOrder[c]
 */
public record SudokuTransform(int[] digitMap, boolean transpose, int[] rowOrder, int[] colOrder) {
    private static final int SIDE = SudokuGrid.SIDE;
    private static final int BOX = SudokuGrid.BOX;

    public SudokuTransform {
        if (digitMap.length != SIDE + 1 || digitMap[0] != SudokuGrid.BLANK) {
            throw new IllegalArgumentException("digit map must have 10 entries and keep 0 (blank) at 0");
        }
        Permutations.require(digitMap, "digit map");
        requireBandPreserving(rowOrder, "row order");
        requireBandPreserving(colOrder, "column order");
        digitMap = digitMap.clone();
        rowOrder = rowOrder.clone();
        colOrder = colOrder.clone();
    }

    private static void requireBandPreserving(int[] order, String what) {
        if (order.length != SIDE) {
            throw new IllegalArgumentException(what + " must have " + SIDE + " entries");
        }
        Permutations.require(order, what);
        for (int band = 0; band < BOX; band++) {
            int source = order[band * BOX] / BOX;
            for (int k = 1; k < BOX; k++) {
                if (order[band * BOX + k] / BOX != source) {
                    throw new IllegalArgumentException(what + " must move whole bands: " + Arrays.toString(order));
                }
            }
        }
    }

    public static SudokuTransform identity() {
        int[] digits = new int[SIDE + 1];
        int[] order = new int[SIDE];
        for (int i = 0; i <= SIDE; i++) {
            digits[i] = i;
        }
        for (int i = 0; i < SIDE; i++) {
            order[i] = i;
        }
        return new SudokuTransform(digits, false, order, order);
    }

    /** A random transform drawn as the reference builder draws it. */
    public static SudokuTransform random(Random rng) {
        int[] perm = Permutations.random(SIDE, rng);
        int[] digitMap = new int[SIDE + 1];
        for (int d = 1; d <= SIDE; d++) {
            digitMap[d] = perm[d - 1] + 1;
        }
        boolean transpose = rng.nextDouble() < 0.5;
        int[] rows = bandShuffle(rng);
        int[] cols = bandShuffle(rng);
        return new SudokuTransform(digitMap, transpose, rows, cols);
    }

    private static int[] bandShuffle(Random rng) {
        int[] bands = Permutations.random(BOX, rng);
        int[] order = new int[SIDE];
        for (int b = 0; b < BOX; b++) {
            int[] inner = Permutations.random(BOX, rng);
            for (int k = 0; k < BOX; k++) {
                order[b * BOX + k] = bands[b] * BOX + inner[k];
            }
        }
        return order;
    }

    public SudokuGrid apply(SudokuGrid grid) {
        int[] out = new int[SudokuGrid.CELLS];
        for (int r = 0; r < SIDE; r++) {
            for (int c = 0; c < SIDE; c++) {
                int sr = rowOrder[r];
                int sc = colOrder[c];
                int d = transpose ? grid.get(sc, sr) : grid.get(sr, sc);
                out[r * SIDE + c] = digitMap[d];
            }
        }
        return SudokuGrid.of(out);
    }

    /** The transform that undoes this one: {@code inverse().apply(apply(g)).equals(g)}. */
    public SudokuTransform inverse() {
        int[] digitInv = Permutations.inverse(digitMap);
        int[] rowInv = Permutations.inverse(rowOrder);
        int[] colInv = Permutations.inverse(colOrder);
        // out = D o P_rc o T (x); inverse = T o P_rc^-1 o D^-1. Transposing swaps the roles of the
        // row and column orders, which a transform expressed as "reorder then transpose" absorbs.
        return transpose
                ? new SudokuTransform(digitInv, true, colInv, rowInv)
                : new SudokuTransform(digitInv, false, rowInv, colInv);
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof SudokuTransform)) {
            return false;
        }
        SudokuTransform t = (SudokuTransform) o;
        return transpose == t.transpose && Arrays.equals(digitMap, t.digitMap)
                && Arrays.equals(rowOrder, t.rowOrder) && Arrays.equals(colOrder, t.colOrder);
    }

    @Override
    public int hashCode() {
        return Objects.hash(transpose, Arrays.hashCode(digitMap),
                Arrays.hashCode(rowOrder), Arrays.hashCode(colOrder));
    }

    @Override
    public String toString() {
        return "SudokuTransform[digits=" + Arrays.toString(digitMap) + ", transpose=" + transpose
                + ", rows=" + Arrays.toString(rowOrder) + ", cols=" + Arrays.toString(colOrder) + "]";
    }
}
