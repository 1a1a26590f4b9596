package dev.trm.task;

/**
 * Maps a puzzle grid to the model's token sequence and back. Token ids follow the reference data
 * builders exactly; 0 is always PAD.
 *
 * @param <G> the grid type of the task
 */
public interface TokenCodec<G> {
    /** PAD token id, shared by every task. */
    int PAD = 0;

    /** Task name as written in exported model metadata: {@code sudoku}, {@code maze} or {@code arc}. */
    String task();

    /** The token layout for people and tools, as the exported model's {@code trm.codec} metadata states it. */
    String layout();

    /** Number of tokens in one encoded puzzle (S). */
    int sequenceLength();

    /** Number of distinct token ids (V). */
    int vocabularySize();

    int[] encode(G grid);

    /** Decodes a token sequence, for example the arg-max of the model's logits. */
    G decode(int[] tokens);

    /** Checks length and range of a token sequence before decoding. */
    default void requireTokens(int[] tokens) {
        if (tokens.length != sequenceLength()) {
            throw new PuzzleException(task() + ": expected " + sequenceLength() + " tokens, got " + tokens.length);
        }
        for (int i = 0; i < tokens.length; i++) {
            if (tokens[i] < 0 || tokens[i] >= vocabularySize()) {
                throw new PuzzleException(task() + ": token " + i + " is " + tokens[i]
                        + ", outside the vocabulary 0.." + (vocabularySize() - 1));
            }
        }
    }
}
