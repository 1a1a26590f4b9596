package dev.trm.task.sudoku;

import dev.trm.task.PuzzleException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * An immutable 9x9 Sudoku grid in row-major order. Cell values are 0 (blank) or the digits 1..9.
 * Text form: 81 characters, {@code .} or {@code 0} for a blank (the HRM CSV layout).
 */
public final class SudokuGrid {
    public static final int SIDE = 9;
    public static final int BOX = 3;
    public static final int CELLS = SIDE * SIDE;
    public static final int BLANK = 0;

    private final byte[] cells;

    private SudokuGrid(byte[] cells) {
        this.cells = cells;
    }

    /** Parses 81 characters; whitespace around the text is ignored. */
    public static SudokuGrid parse(String text) {
        String s = text.trim();
        if (s.length() != CELLS) {
            throw new PuzzleException("a Sudoku has " + CELLS + " cells, got " + s.length() + " characters");
        }
        byte[] cells = new byte[CELLS];
        for (int i = 0; i < CELLS; i++) {
            char c = s.charAt(i);
            if (c == '.' || c == '0') {
                cells[i] = BLANK;
            } else if (c >= '1' && c <= '9') {
                cells[i] = (byte) (c - '0');
            } else {
                throw new PuzzleException("character " + (i + 1) + " (" + cellName(i) + ") is '" + c
                        + "': expected 1-9, '.' or '0'");
            }
        }
        return new SudokuGrid(cells);
    }

    /** Characters that draw a grid's frame, skipped by {@link #parseDrawn}. */
    private static final String FRAME = "|-+";

    /**
     * A puzzle as people paste it: the one-line form or a drawn grid. Whitespace and the frame
     * characters {@code | - +} are skipped and {@code _} or {@code *} are blanks; the rest is read by
     * {@link #parse}. A bad character is named by its place in the text as given.
     */
    public static SudokuGrid parseDrawn(String text) {
        StringBuilder cells = new StringBuilder(CELLS);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isWhitespace(c) || FRAME.indexOf(c) >= 0) {
                continue;
            }
            if (c == '_' || c == '*') {
                c = '.';
            } else if (c != '.' && (c < '0' || c > '9')) {
                throw new PuzzleException("character " + (i + 1) + " is '" + c + "': a cell is 1-9, or . 0 _ * for a blank");
            }
            cells.append(c);
        }
        return parse(cells.toString());
    }

    /** A grid from 81 values in 0..9. */
    public static SudokuGrid of(int[] values) {
        if (values.length != CELLS) {
            throw new PuzzleException("a Sudoku has " + CELLS + " cells, got " + values.length);
        }
        byte[] cells = new byte[CELLS];
        for (int i = 0; i < CELLS; i++) {
            if (values[i] < 0 || values[i] > SIDE) {
                throw new PuzzleException(cellName(i) + " holds " + values[i] + ": expected 0 (blank) or 1-9");
            }
            cells[i] = (byte) values[i];
        }
        return new SudokuGrid(cells);
    }

    /** Human name of a cell, {@code r1c1} .. {@code r9c9}. */
    public static String cellName(int index) {
        return "r" + (index / SIDE + 1) + "c" + (index % SIDE + 1);
    }

    public int get(int index) {
        return cells[index];
    }

    public int get(int row, int col) {
        return cells[row * SIDE + col];
    }

    public int[] values() {
        int[] v = new int[CELLS];
        for (int i = 0; i < CELLS; i++) {
            v[i] = cells[i];
        }
        return v;
    }

    /** Number of filled cells. */
    public int filled() {
        int n = 0;
        for (byte c : cells) {
            if (c != BLANK) {
                n++;
            }
        }
        return n;
    }

    public boolean isComplete() {
        return filled() == CELLS;
    }

    public SudokuGrid with(int index, int digit) {
        byte[] copy = cells.clone();
        copy[index] = (byte) digit;
        return of(valuesOf(copy));
    }

    private static int[] valuesOf(byte[] b) {
        int[] v = new int[b.length];
        for (int i = 0; i < b.length; i++) {
            v[i] = b[i];
        }
        return v;
    }

    /**
     * Every repeated digit in a row, column or box, as readable sentences such as
     * {@code "row 1 has two 5s (r1c2, r1c7)"}. Empty when the filled cells are consistent.
     */
    public List<String> conflicts() {
        List<String> out = new ArrayList<>();
        for (int unit = 0; unit < 3 * SIDE; unit++) {
            int[] firstAt = new int[SIDE + 1];
            Arrays.fill(firstAt, -1);
            for (int k = 0; k < SIDE; k++) {
                int index = unitCell(unit, k);
                int d = cells[index];
                if (d == BLANK) {
                    continue;
                }
                if (firstAt[d] >= 0) {
                    out.add(unitName(unit) + " has two " + d + "s (" + cellName(firstAt[d]) + ", " + cellName(index) + ")");
                } else {
                    firstAt[d] = index;
                }
            }
        }
        return out;
    }

    /** Throws a {@link PuzzleException} naming the first conflict, if any. */
    public SudokuGrid requireConsistent() {
        List<String> c = conflicts();
        if (!c.isEmpty()) {
            throw new PuzzleException("contradictory givens: " + String.join("; ", c));
        }
        return this;
    }

    /** Cell index of the k-th cell of a unit: units 0-8 are rows, 9-17 columns, 18-26 boxes. */
    static int unitCell(int unit, int k) {
        int u = unit % SIDE;
        switch (unit / SIDE) {
            case 0: return u * SIDE + k;
            case 1: return k * SIDE + u;
            default: return (u / BOX * BOX + k / BOX) * SIDE + (u % BOX * BOX + k % BOX);
        }
    }

    private static String unitName(int unit) {
        String[] kinds = {"row", "column", "box"};
        return kinds[unit / SIDE] + " " + (unit % SIDE + 1);
    }

    /** The 81-character line form, {@code .} for blanks. */
    public String toLine() {
        StringBuilder sb = new StringBuilder(CELLS);
        for (byte c : cells) {
            sb.append(c == BLANK ? '.' : (char) ('0' + c));
        }
        return sb.toString();
    }

    /** A 9x9 picture with box separators, for people. */
    public String render() {
        StringBuilder sb = new StringBuilder();
        String rule = "------+-------+------\n";
        for (int r = 0; r < SIDE; r++) {
            if (r > 0 && r % BOX == 0) {
                sb.append(rule);
            }
            for (int c = 0; c < SIDE; c++) {
                if (c > 0) {
                    sb.append(c % BOX == 0 ? " | " : " ");
                }
                int d = get(r, c);
                sb.append(d == BLANK ? '.' : (char) ('0' + d));
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SudokuGrid && Arrays.equals(cells, ((SudokuGrid) o).cells);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(cells);
    }

    @Override
    public String toString() {
        return toLine();
    }
}
