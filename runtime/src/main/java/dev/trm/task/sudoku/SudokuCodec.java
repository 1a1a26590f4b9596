package dev.trm.task.sudoku;

import dev.trm.task.TokenCodec;

/**
 * Reference Sudoku tokens: 0 = PAD, 1 = blank, 2..10 = digits 1..9 (vocabulary 11, sequence 81).
 * Decoding maps PAD and blank to a blank cell, so any model prediction decodes.
 */
public final class SudokuCodec implements TokenCodec<SudokuGrid> {
    public static final int BLANK_TOKEN = 1;
    public static final int DIGIT_OFFSET = 1;
    public static final int VOCAB = SudokuGrid.SIDE + 2;

    public static final SudokuCodec INSTANCE = new SudokuCodec();

    @Override
    public String task() {
        return "sudoku";
    }

    @Override
    public String layout() {
        return "side=" + SudokuGrid.SIDE + ";pad=" + PAD + ";blank_token=" + BLANK_TOKEN + ";digit_offset=" + DIGIT_OFFSET;
    }

    @Override
    public int sequenceLength() {
        return SudokuGrid.CELLS;
    }

    @Override
    public int vocabularySize() {
        return VOCAB;
    }

    @Override
    public int[] encode(SudokuGrid grid) {
        int[] tokens = new int[SudokuGrid.CELLS];
        for (int i = 0; i < tokens.length; i++) {
            int d = grid.get(i);
            tokens[i] = d == SudokuGrid.BLANK ? BLANK_TOKEN : d + DIGIT_OFFSET;
        }
        return tokens;
    }

    @Override
    public SudokuGrid decode(int[] tokens) {
        requireTokens(tokens);
        int[] values = new int[tokens.length];
        for (int i = 0; i < tokens.length; i++) {
            values[i] = tokens[i] <= BLANK_TOKEN ? SudokuGrid.BLANK : tokens[i] - DIGIT_OFFSET;
        }
        return SudokuGrid.of(values);
    }
}
