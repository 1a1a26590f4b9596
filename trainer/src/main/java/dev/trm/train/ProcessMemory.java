package dev.trm.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Resident and peak memory of this process, from /proc/self/status (Linux); -1 elsewhere. */
public final class ProcessMemory {
    private ProcessMemory() {
    }

    /** Current resident set size in kB. */
    public static long rssKb() {
        return field("VmRSS:");
    }

    /** Peak resident set size in kB. */
    public static long peakRssKb() {
        return field("VmHWM:");
    }

    private static long field(String name) {
        Path status = Path.of("/proc/self/status");
        if (!Files.isReadable(status)) {
            return -1;
        }
        try {
            for (String line : Files.readAllLines(status)) {
                if (line.startsWith(name)) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }
}
