package dev.trm.runtime;

/** A puzzle the model cannot take: wrong task, length or characters, or contradictory givens. */
public class InvalidPuzzleException extends TrmRuntimeException {
    private static final long serialVersionUID = 1L;

    public InvalidPuzzleException(String message) {
        super(message);
    }

    public InvalidPuzzleException(String message, Throwable cause) {
        super(message, cause);
    }
}
