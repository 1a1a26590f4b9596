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
