package dev.trm.task;

/**
 * A puzzle that cannot be used: wrong length, a character outside the alphabet, contradictory givens,
 * an answer that does not solve its question. The message says what is wrong and where.
 */
public class PuzzleException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public PuzzleException(String message) {
        super(message);
    }
}
