package dev.trm.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where progress lines go. They redraw themselves with carriage returns and erase-line codes, which
 * only a terminal understands: in a log file or a pipe they are noise. So they go to standard error
 * when it is a terminal and nowhere otherwise (results and messages are printed either way).
 */
final class Progress {
    /** Linux's view of this process's standard error. */
    private static final Path STDERR_LINK = Path.of("/proc/self/fd/2");

    private Progress() {
    }

    /** Standard error when it is a terminal, else null (no progress). */
    static PrintStream terminalOrNull() {
        return stderrIsTerminal() ? System.err : null;
    }

    private static boolean stderrIsTerminal() {
        try {
            String target = Files.readSymbolicLink(STDERR_LINK).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return false; // not Linux, or not knowable: no progress rather than noise
        }
    }
}
