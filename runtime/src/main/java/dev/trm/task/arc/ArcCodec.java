package dev.trm.task.arc;

import dev.trm.task.PuzzleException;
import dev.trm.task.TokenCodec;

/**
 * The reference 30x30 ARC encoding: the grid's colours + 2 placed on a PAD canvas at a row/column
 * offset, an EOS marker (1) on the row just below the grid (grid columns only) and on the column
 * just right of it (grid rows only) where those fall inside the canvas. Decoding crops the largest
 * top-left rectangle of colour tokens, as the reference evaluator does.
 */
public final class ArcCodec implements TokenCodec<ArcGrid> {
    public static final int CANVAS = ArcGrid.MAX_SIDE;
    public static final int EOS = 1;
    public static final int COLOUR_OFFSET = 2;
    public static final int VOCAB = ArcGrid.COLOURS + COLOUR_OFFSET;

    public static final ArcCodec INSTANCE = new ArcCodec();

    @Override
    public String task() {
        return "arc";
    }

    @Override
    public String layout() {
        return "canvas=" + CANVAS + ";pad=" + PAD + ";eos=" + EOS + ";colour_offset=" + COLOUR_OFFSET;
    }

    @Override
    public int sequenceLength() {
        return CANVAS * CANVAS;
    }

    @Override
    public int vocabularySize() {
        return VOCAB;
    }

    /** Encodes at offset (0, 0), the layout of every test input. */
    @Override
    public int[] encode(ArcGrid grid) {
        return encode(grid, 0, 0);
    }

    /** Encodes with the grid's top-left corner at ({@code rowOffset}, {@code colOffset}). */
    public int[] encode(ArcGrid grid, int rowOffset, int colOffset) {
        int h = grid.height();
        int w = grid.width();
        if (rowOffset < 0 || colOffset < 0 || rowOffset + h > CANVAS || colOffset + w > CANVAS) {
            throw new PuzzleException("a " + h + "x" + w + " grid does not fit the canvas at offset ("
                    + rowOffset + "," + colOffset + ")");
        }
        int[] tokens = new int[CANVAS * CANVAS];
        for (int r = 0; r < h; r++) {
            for (int c = 0; c < w; c++) {
                tokens[(rowOffset + r) * CANVAS + colOffset + c] = grid.get(r, c) + COLOUR_OFFSET;
            }
        }
        int below = rowOffset + h;
        if (below < CANVAS) {
            for (int c = 0; c < w; c++) {
                tokens[below * CANVAS + colOffset + c] = EOS;
            }
        }
        int right = colOffset + w;
        if (right < CANVAS) {
            for (int r = 0; r < h; r++) {
                tokens[(rowOffset + r) * CANVAS + right] = EOS;
            }
        }
        return tokens;
    }

    /**
     * Crops the largest top-left rectangle made only of colour tokens, scanning rows and stopping
     * each row's width at its first non-colour token (the reference evaluator's rule).
     *
     * @throws PuzzleException when the top-left cell is not a colour (nothing to crop)
     */
    @Override
    public ArcGrid decode(int[] tokens) {
        requireTokens(tokens);
        int bestArea = 0;
        int bestRows = 0;
        int bestCols = 0;
        int width = CANVAS;
        for (int rows = 1; rows <= CANVAS; rows++) {
            for (int c = 0; c < width; c++) {
                if (!isColour(tokens[(rows - 1) * CANVAS + c])) {
                    width = c;
                    break;
                }
            }
            if (rows * width > bestArea) {
                bestArea = rows * width;
                bestRows = rows;
                bestCols = width;
            }
        }
        if (bestArea == 0) {
            throw new PuzzleException("arc: no grid at the top-left corner of the canvas");
        }
        int[][] grid = new int[bestRows][bestCols];
        for (int r = 0; r < bestRows; r++) {
            for (int c = 0; c < bestCols; c++) {
                grid[r][c] = tokens[r * CANVAS + c] - COLOUR_OFFSET;
            }
        }
        return ArcGrid.of(grid);
    }

    /** Decodes a grid encoded at an offset, by first shifting the canvas back to the corner. */
    public ArcGrid decode(int[] tokens, int rowOffset, int colOffset) {
        requireTokens(tokens);
        int[] shifted = new int[tokens.length];
        for (int r = rowOffset; r < CANVAS; r++) {
            for (int c = colOffset; c < CANVAS; c++) {
                shifted[(r - rowOffset) * CANVAS + c - colOffset] = tokens[r * CANVAS + c];
            }
        }
        return decode(shifted);
    }

    private static boolean isColour(int token) {
        return token >= COLOUR_OFFSET && token < VOCAB;
    }
}
