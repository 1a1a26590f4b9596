package dev.trm.cli;

import java.io.PrintWriter;

/**
 * Standard output was closed by its reader ({@code trm solve ... | head -1}): the run stops instead
 * of solving for nobody. The JVM ignores SIGPIPE and {@link PrintWriter} and {@link System#out}
 * swallow the write error, so commands that print as they go check after each flush. The command
 * ends quietly with the exit status a program killed by SIGPIPE has.
 */
final class ClosedOutputException extends RuntimeException {
    /** 128 + SIGPIPE (13), as the shell reports a process that SIGPIPE ended. */
    static final int EXIT_CODE = 141;

    private ClosedOutputException() {
        super("standard output is closed", null, false, false);
    }

    /**
     * Flushes {@code out} and stops the run when its reader has gone. A write that failed on a file or
     * device (a full disk, {@code > /dev/full}) is no closed pipe: it is an error with a message.
     */
    static void check(PrintWriter out) {
        if (out.checkError() || System.out.checkError()) {
            String where = standardOutput();
            if (where.startsWith("pipe:") || where.startsWith("socket:")) {
                throw new ClosedOutputException();
            }
            String message = "cannot write to standard output (" + where + "): the write failed (a full disk or device?)";
            throw new java.io.UncheckedIOException(message, new java.io.IOException(message));
        }
    }

    /** What standard output is, as Linux names it ({@code pipe:[123]}, {@code /dev/full}); "a pipe" where it cannot tell. */
    private static String standardOutput() {
        try {
            return java.nio.file.Files.readSymbolicLink(java.nio.file.Path.of("/proc/self/fd/1")).toString();
        } catch (java.io.IOException | RuntimeException e) {
            return "pipe:";
        }
    }
}
