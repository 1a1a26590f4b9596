package dev.trm.task.maze;

import dev.trm.task.Dihedral;
import dev.trm.task.PuzzleException;
import java.util.Arrays;

/**
 * An immutable 30x30 maze in the HRM text layout, row-major: {@code #} wall, space open, {@code S}
 * start, {@code G} goal, {@code o} a cell of the path (answers only). Exactly one S and one G.
 */
public final class MazeGrid {
    public static final int SIDE = 30;
    public static final int CELLS = SIDE * SIDE;
    /** The alphabet in token order: token id = index + 1. */
    public static final String CHARSET = "# SGo";
    public static final char WALL = '#';
    public static final char OPEN = ' ';
    public static final char START = 'S';
    public static final char GOAL = 'G';
    public static final char PATH = 'o';

    private final char[] cells;

    private MazeGrid(char[] cells) {
        this.cells = cells;
    }

    /** Parses 900 characters (not stripped: spaces are cells). */
    public static MazeGrid parse(String text) {
        if (text.length() != CELLS) {
            throw new PuzzleException("a maze has " + CELLS + " cells (" + SIDE + "x" + SIDE + "), got "
                    + text.length() + " characters");
        }
        return of(text.toCharArray());
    }

    static MazeGrid of(char[] cells) {
        int starts = 0;
        int goals = 0;
        for (int i = 0; i < cells.length; i++) {
            char c = cells[i];
            if (CHARSET.indexOf(c) < 0) {
                throw new PuzzleException("cell " + cellName(i) + " is '" + c + "': expected one of '#', ' ', 'S', 'G', 'o'");
            }
            starts += c == START ? 1 : 0;
            goals += c == GOAL ? 1 : 0;
        }
        if (starts != 1 || goals != 1) {
            throw new PuzzleException("a maze needs exactly one S and one G, found " + starts + " S and " + goals + " G");
        }
        return new MazeGrid(cells);
    }

    public static String cellName(int index) {
        return "r" + (index / SIDE + 1) + "c" + (index % SIDE + 1);
    }

    public char get(int index) {
        return cells[index];
    }

    public char get(int row, int col) {
        return cells[row * SIDE + col];
    }

    public int start() {
        return indexOf(START);
    }

    public int goal() {
        return indexOf(GOAL);
    }

    private int indexOf(char c) {
        for (int i = 0; i < CELLS; i++) {
            if (cells[i] == c) {
                return i;
            }
        }
        throw new AssertionError("validated at construction");
    }

    public int count(char c) {
        int n = 0;
        for (char x : cells) {
            n += x == c ? 1 : 0;
        }
        return n;
    }

    /** Open for walking: anything but a wall. */
    public boolean isPassable(int index) {
        return cells[index] != WALL;
    }

    /** The same maze with every path mark removed (the question of an answer). */
    public MazeGrid withoutPath() {
        char[] copy = cells.clone();
        for (int i = 0; i < CELLS; i++) {
            if (copy[i] == PATH) {
                copy[i] = OPEN;
            }
        }
        return new MazeGrid(copy);
    }

    public MazeGrid transform(Dihedral t) {
        int[][] grid = new int[SIDE][SIDE];
        for (int i = 0; i < CELLS; i++) {
            grid[i / SIDE][i % SIDE] = cells[i];
        }
        int[][] out = t.apply(grid);
        char[] flat = new char[CELLS];
        for (int i = 0; i < CELLS; i++) {
            flat[i] = (char) out[i / SIDE][i % SIDE];
        }
        return new MazeGrid(flat);
    }

    /** The 900-character text form. */
    public String toText() {
        return new String(cells);
    }

    /** 30 lines of 30 characters, for people. */
    public String render() {
        StringBuilder sb = new StringBuilder(CELLS + SIDE);
        for (int r = 0; r < SIDE; r++) {
            sb.append(cells, r * SIDE, SIDE).append('\n');
        }
        return sb.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MazeGrid && Arrays.equals(cells, ((MazeGrid) o).cells);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(cells);
    }

    @Override
    public String toString() {
        return render();
    }
}
