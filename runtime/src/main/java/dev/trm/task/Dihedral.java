package dev.trm.task;

/**
 * The 8 symmetries of a rectangle grid, numbered as the reference data builders number them
 * (identity, rot90 counter-clockwise, rot180, rot270, flip left-right, flip up-down, transpose,
 * anti-transpose). Used to augment Maze and ARC.
 */
public enum Dihedral {
    IDENTITY, ROT90, ROT180, ROT270, FLIP_LR, FLIP_UD, TRANSPOSE, ANTI_TRANSPOSE;

    private static final Dihedral[] VALUES = values();

    public static Dihedral of(int id) {
        if (id < 0 || id >= VALUES.length) {
            throw new IllegalArgumentException("dihedral id must be 0..7, got " + id);
        }
        return VALUES[id];
    }

    public int id() {
        return ordinal();
    }

    /** The transform that undoes this one. */
    public Dihedral inverse() {
        switch (this) {
            case ROT90: return ROT270;
            case ROT270: return ROT90;
            default: return this; // the others are their own inverse
        }
    }

    /** Whether the transform swaps the grid's height and width. */
    public boolean swapsAxes() {
        return this == ROT90 || this == ROT270 || this == TRANSPOSE || this == ANTI_TRANSPOSE;
    }

    /** Applies the transform to a rectangular grid; the input is not changed. */
    public int[][] apply(int[][] grid) {
        int h = grid.length;
        int w = grid[0].length;
        int outH = swapsAxes() ? w : h;
        int outW = swapsAxes() ? h : w;
        int[][] out = new int[outH][outW];
        for (int i = 0; i < outH; i++) {
            for (int j = 0; j < outW; j++) {
                out[i][j] = grid[sourceRow(i, j, h, w)][sourceCol(i, j, h, w)];
            }
        }
        return out;
    }

    private int sourceRow(int i, int j, int h, int w) {
        switch (this) {
            case IDENTITY: case FLIP_LR: return i;
            case ROT90: case TRANSPOSE: return j;
            case ROT180: case FLIP_UD: return h - 1 - i;
            case ROT270: case ANTI_TRANSPOSE: return h - 1 - j;
            default: throw new AssertionError(this);
        }
    }

    private int sourceCol(int i, int j, int h, int w) {
        switch (this) {
            case IDENTITY: case FLIP_UD: return j;
            case ROT90: case ANTI_TRANSPOSE: return w - 1 - i;
            case ROT180: case FLIP_LR: return w - 1 - j;
            case ROT270: case TRANSPOSE: return i;
            default: throw new AssertionError(this);
        }
    }
}
