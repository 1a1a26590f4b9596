package dev.trm.task.maze;

import dev.trm.task.PuzzleException;
import dev.trm.task.TokenCodec;

/** Reference maze tokens: 0 = PAD, then {@code #}=1, space=2, {@code S}=3, {@code G}=4, {@code o}=5. */
public final class MazeCodec implements TokenCodec<MazeGrid> {
    public static final int VOCAB = MazeGrid.CHARSET.length() + 1;

    public static final MazeCodec INSTANCE = new MazeCodec();

    @Override
    public String task() {
        return "maze";
    }

    @Override
    public String layout() {
        return "side=" + MazeGrid.SIDE + ";pad=" + PAD + ";charset=" + MazeGrid.CHARSET + ";char_offset=1";
    }

    @Override
    public int sequenceLength() {
        return MazeGrid.CELLS;
    }

    @Override
    public int vocabularySize() {
        return VOCAB;
    }

    @Override
    public int[] encode(MazeGrid grid) {
        int[] tokens = new int[MazeGrid.CELLS];
        for (int i = 0; i < tokens.length; i++) {
            tokens[i] = MazeGrid.CHARSET.indexOf(grid.get(i)) + 1;
        }
        return tokens;
    }

    /** Decodes tokens; a PAD token is not a maze cell and is an error. */
    @Override
    public MazeGrid decode(int[] tokens) {
        requireTokens(tokens);
        char[] cells = new char[tokens.length];
        for (int i = 0; i < tokens.length; i++) {
            if (tokens[i] == PAD) {
                throw new PuzzleException("maze: token " + i + " is PAD");
            }
            cells[i] = MazeGrid.CHARSET.charAt(tokens[i] - 1);
        }
        return MazeGrid.of(cells);
    }
}
