package dev.trm.data;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The shared puzzle data beside the checkout ({@code ../shared/data}) for every module's tests: the
 * build passes its place as {@code trm.data.dir}; without it (a test run from an IDE) a module's
 * folder is the working directory, two levels below the data.
 */
public final class SharedData {
    /** Where the data is when the build does not say: relative to a module's folder. */
    private static final String FROM_A_MODULE = "../../shared/data";

    private SharedData() {
    }

    /** The shared data folder. */
    public static Path dir() {
        return Path.of(System.getProperty("trm.data.dir", FROM_A_MODULE));
    }

    /** A file of the shared data, which must exist. */
    public static Path file(String relative) {
        Path p = dir().resolve(relative).normalize();
        assertTrue(Files.isRegularFile(p), "shared data file missing: " + p.toAbsolutePath()
                + " (the build expects ../shared/data beside the checkout; set -Dtrm.data.dir to move it)");
        return p;
    }
}
