package dev.trm.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trm.data.SudokuGenerator;
import dev.trm.runtime.Effort;
import dev.trm.runtime.HaltPolicy;
import dev.trm.runtime.RuntimeConfig;
import dev.trm.runtime.TrmModel;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An app that embeds the runtime jar with a long class path (IDE runs and Gradle build such command
 * lines) and sets nothing: with the ONNX Runtime the toolkit pins (1.28.0) it solves and writes
 * nothing under its home folder. (1.29's start-up telemetry killed such a JVM with SIGSEGV and wrote a
 * device id and queued events under ~/.cache/Microsoft unless ORT_DISABLE_TELEMETRY=1 was set.)
 */
class EmbeddingTest {
    private static final Path MODEL = Path.of(System.getProperty("trm.models.dir", "../models"), "sudoku-default.onnx");
    @TempDir
    Path home;

    /** Runs the probe in a fresh JVM whose command line passes 4 KB, without ORT_DISABLE_TELEMETRY; returns exit code, stdout and stderr. */
    private String[] probe(String puzzle) throws Exception {
        StringBuilder cp = new StringBuilder(System.getProperty("java.class.path"));
        for (int i = 0; cp.length() < 4400; i++) {
            cp.append(File.pathSeparator).append("/nonexistent/embedding-app/lib/some-library-of-a-big-build-").append(i).append(".jar");
        }
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Duser.home=" + home,
                "-cp", cp.toString(), EmbeddingProbe.class.getName(), MODEL.toString(), puzzle);
        pb.environment().remove("ORT_DISABLE_TELEMETRY");
        pb.environment().remove("CLASSPATH");
        pb.environment().put("HOME", home.toString());
        Path out = home.resolve("out.txt");
        Path err = home.resolve("err.txt");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile());
        Process p = pb.start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the probe finished");
        return new String[] {Integer.toString(p.exitValue()), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err)};
    }

    @Test
    void anAppWithALongClassPathAndNoVariableSolvesAndWritesNothingUnderItsHome() throws Exception {
        String puzzle = new SudokuGenerator(3).next(SudokuGenerator.Difficulty.givens(30, 34)).question().toLine();
        String[] solved = probe(puzzle);
        assertEquals("0", solved[0], "exit code (139 was the crash): " + solved[2]);
        String expected;
        try (TrmModel model = TrmModel.load(MODEL, RuntimeConfig.cpu())) {
            expected = model.solve(puzzle, HaltPolicy.fixed(), Effort.plain()).answer();
        }
        assertEquals(expected, solved[1].strip());
        assertFalse(Files.exists(home.resolve(".cache/Microsoft")), "nothing under the home folder's .cache/Microsoft");
        try (Stream<Path> left = Files.list(home)) {
            assertEquals(List.of("err.txt", "out.txt"), left.map(f -> f.getFileName().toString()).sorted().collect(Collectors.toList()),
                    "the home folder holds only the probe's own output");
        }
    }
}
