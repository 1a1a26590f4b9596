package dev.trm.data;

import java.nio.file.Path;

/**
 * A data file that cannot be used. The message names the file, the line (or task id) and the
 * field, e.g. {@code train.csv:17: question: character 5 (r1c5) is 'x'}.
 */
public class DataFormatException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient Path file;
    private final String location;

    /**
     * @param file     the data file
     * @param location where in the file: {@code "17"} for a line, {@code "task 007bbfb7"}, ...
     * @param message  what is wrong
     */
    public DataFormatException(Path file, String location, String message) {
        super(file + (location.isEmpty() ? "" : ":" + location) + ": " + message);
        this.file = file;
        this.location = location;
    }

    public DataFormatException(Path file, String location, String message, Throwable cause) {
        this(file, location, message);
        initCause(cause);
    }

    public Path file() {
        return file;
    }

    public String location() {
        return location;
    }
}
