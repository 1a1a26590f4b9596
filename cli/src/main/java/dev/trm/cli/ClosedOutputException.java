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

    /** Flushes {@code out} and stops the run when its reader has gone. */
    static void check(PrintWriter out) {
        if (out.checkError() || System.out.checkError()) {
            throw new ClosedOutputException();
        }
    }
}
