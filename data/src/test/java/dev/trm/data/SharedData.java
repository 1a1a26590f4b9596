package dev.trm.data;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/** The shared puzzle data beside the checkout ({@code ../shared/data}), set by the build. */
final class SharedData {
    private SharedData() {
    }

    static Path file(String relative) {
        String dir = System.getProperty("trm.data.dir", "../shared/data");
        Path p = Paths.get(dir).resolve(relative).normalize();
        assertTrue(Files.isRegularFile(p), "shared data file missing: " + p.toAbsolutePath()
                + " (the build expects ../shared/data beside the checkout; set -Dtrm.data.dir to move it)");
        return p;
    }
}
