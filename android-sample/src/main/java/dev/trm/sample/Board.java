package dev.trm.sample;

import dev.trm.task.PuzzleException;
import dev.trm.task.sudoku.SudokuGrid;
import dev.trm.task.sudoku.SudokuSolver;
import java.util.Arrays;
import java.util.List;

/**
 * The grid the user edits: 81 cells, 0 for blank. Knows how to read pasted text and whether the
 * puzzle can be given to the model.
 */
public final class Board {
    public static final int CELLS = SudokuGrid.CELLS;
    public static final int SIDE = SudokuGrid.SIDE;

    private final int[] digits = new int[CELLS];

    /**
     * Reads a pasted puzzle with the runtime's parser ({@link SudokuGrid#parseDrawn}): digits 1-9
     * are givens, {@code .}, {@code 0}, {@code _} or {@code *} are blanks; spaces, line breaks and the
     * frame characters {@code | - +} are ignored, so both the one-line form and a drawn grid paste.
     *
     * @throws IllegalArgumentException naming the first bad character, or the cell count
     */
    public static Board parse(String text) {
        Board b = new Board();
        int[] values = SudokuGrid.parseDrawn(text).values();
        System.arraycopy(values, 0, b.digits, 0, CELLS);
        return b;
    }

    public int get(int cell) {
        return digits[cell];
    }

    /** Sets a cell: 0 clears it. */
    public void set(int cell, int digit) {
        if (cell < 0 || cell >= CELLS) {
            throw new IllegalArgumentException("cell " + cell + " is outside 0.." + (CELLS - 1));
        }
        if (digit < 0 || digit > SIDE) {
            throw new IllegalArgumentException(SudokuGrid.cellName(cell) + ": " + digit + " is not 0 (blank) or 1-9");
        }
        digits[cell] = digit;
    }

    public void clear() {
        Arrays.fill(digits, 0);
    }

    public int givens() {
        int n = 0;
        for (int d : digits) {
            n += d == 0 ? 0 : 1;
        }
        return n;
    }

    /** The puzzle in the runtime's text form: 81 characters, {@code .} for blank. */
    public String puzzle() {
        StringBuilder s = new StringBuilder(CELLS);
        for (int d : digits) {
            s.append(d == 0 ? '.' : (char) ('0' + d));
        }
        return s.toString();
    }

    /**
     * Why this puzzle cannot be solved, or null when it can: an empty grid, givens that clash in a
     * row, column or box, or givens that allow no solution at all (the exact solver decides).
     */
    public String problem() {
        if (givens() == 0) {
            return "The grid is empty: type a puzzle, paste one or pick an example.";
        }
        SudokuGrid grid;
        try {
            grid = SudokuGrid.parse(puzzle());
        } catch (PuzzleException e) {
            return e.getMessage();
        }
        List<String> conflicts = grid.conflicts();
        if (!conflicts.isEmpty()) {
            return "Contradictory givens: " + conflicts.get(0) + ".";
        }
        if (SudokuSolver.solve(grid, 1).solutions() == 0) {
            return "These givens allow no solution.";
        }
        return null;
    }
}
