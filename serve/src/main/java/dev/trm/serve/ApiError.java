package dev.trm.serve;

/**
 * A request the server answers with an error: its HTTP status and the JSON body
 * {@code {"error": "...", "index": N}} (index: the puzzle at fault, when one is).
 */
final class ApiError extends RuntimeException {
    private static final long serialVersionUID = 1L;
    static final int OK = 200;
    static final int BAD_REQUEST = 400;
    static final int UNAUTHORIZED = 401;
    static final int NOT_FOUND = 404;
    static final int METHOD_NOT_ALLOWED = 405;
    static final int TIMEOUT = 408;
    static final int CONFLICT = 409;
    static final int TOO_LARGE = 413;
    static final int TOO_MANY = 429;
    static final int FAILED = 500;
    static final int UNAVAILABLE = 503;
    static final int DEADLINE = 504;

    final int status;
    final Integer index;

    ApiError(int status, String message) {
        this(status, message, null);
    }

    ApiError(int status, String message, Integer index) {
        super(message);
        this.status = status;
        this.index = index;
    }
}
