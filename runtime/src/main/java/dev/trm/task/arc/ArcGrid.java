package dev.trm.task.arc;

import dev.trm.task.Dihedral;
import dev.trm.task.PuzzleException;
import java.util.Arrays;

/** An immutable ARC grid: 1..30 rows of 1..30 colours 0..9, rectangular. */
public final class ArcGrid {
    public static final int MAX_SIDE = 30;
    public static final int COLOURS = 10;

    private final int[][] rows;

    private ArcGrid(int[][] rows) {
        this.rows = rows;
    }

    /** Validates and copies the rows. */
    public static ArcGrid of(int[][] rows) {
        if (rows.length < 1 || rows.length > MAX_SIDE) {
            throw new PuzzleException("an ARC grid has 1.." + MAX_SIDE + " rows, got " + rows.length);
        }
        int width = rows[0].length;
        if (width < 1 || width > MAX_SIDE) {
            throw new PuzzleException("an ARC grid has 1.." + MAX_SIDE + " columns, got " + width);
        }
        int[][] copy = new int[rows.length][];
        for (int r = 0; r < rows.length; r++) {
            if (rows[r].length != width) {
                throw new PuzzleException("row " + r + " has " + rows[r].length + " cells, row 0 has " + width);
            }
            for (int c = 0; c < width; c++) {
                if (rows[r][c] < 0 || rows[r][c] >= COLOURS) {
                    throw new PuzzleException("cell (" + r + "," + c + ") is " + rows[r][c] + ": expected a colour 0..9");
                }
            }
            copy[r] = rows[r].clone();
        }
        return new ArcGrid(copy);
    }

    public int height() {
        return rows.length;
    }

    public int width() {
        return rows[0].length;
    }

    public int get(int row, int col) {
        return rows[row][col];
    }

    public int[][] toArray() {
        int[][] copy = new int[rows.length][];
        for (int r = 0; r < rows.length; r++) {
            copy[r] = rows[r].clone();
        }
        return copy;
    }

    public ArcGrid transform(Dihedral t) {
        return new ArcGrid(t.apply(rows));
    }

    /** Recolours every cell: colour k becomes {@code map[k]}. */
    public ArcGrid recolour(int[] map) {
        int[][] out = toArray();
        for (int[] row : out) {
            for (int c = 0; c < row.length; c++) {
                row[c] = map[row[c]];
            }
        }
        return new ArcGrid(out);
    }

    /** Row separator of the one-line text form. */
    public static final char ROW_SEPARATOR = '/';

    /** The one-line text form: rows of colour digits separated by '/', for example {@code 077/777/077}. */
    public static ArcGrid parse(String text) {
        String t = text.trim();
        if (t.isEmpty()) {
            throw new PuzzleException("an ARC grid is rows of colour digits separated by '/', got an empty text");
        }
        String[] lines = t.split(String.valueOf(ROW_SEPARATOR), -1);
        int[][] rows = new int[lines.length][];
        for (int r = 0; r < lines.length; r++) {
            rows[r] = new int[lines[r].length()];
            for (int c = 0; c < lines[r].length(); c++) {
                char ch = lines[r].charAt(c);
                if (ch < '0' || ch > '9') {
                    throw new PuzzleException("row " + r + " column " + c + " is '" + ch + "': expected a colour digit 0-9");
                }
                rows[r][c] = ch - '0';
            }
        }
        return of(rows);
    }

    /** The one-line text form (see {@link #parse}). */
    public String toText() {
        StringBuilder sb = new StringBuilder();
        for (int r = 0; r < rows.length; r++) {
            if (r > 0) {
                sb.append(ROW_SEPARATOR);
            }
            for (int v : rows[r]) {
                sb.append((char) ('0' + v));
            }
        }
        return sb.toString();
    }

    /** One line per row of colour digits, for people. */
    public String render() {
        StringBuilder sb = new StringBuilder();
        for (int[] row : rows) {
            for (int v : row) {
                sb.append((char) ('0' + v));
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ArcGrid && Arrays.deepEquals(rows, ((ArcGrid) o).rows);
    }

    @Override
    public int hashCode() {
        return Arrays.deepHashCode(rows);
    }

    @Override
    public String toString() {
        return height() + "x" + width() + "\n" + render();
    }
}
