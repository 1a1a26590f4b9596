package dev.trm.runtime;

/** Base of every error the runtime reports to apps: catch this one to catch them all. */
public class TrmRuntimeException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public TrmRuntimeException(String message) {
        super(message);
    }

    public TrmRuntimeException(String message, Throwable cause) {
        super(message, cause);
    }
}
