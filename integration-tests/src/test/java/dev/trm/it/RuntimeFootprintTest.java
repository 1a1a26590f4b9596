package dev.trm.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trm.data.SudokuGenerator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runtime jar has no side effects beyond ONNX Runtime's own: an application that loads a model
 * and solves, with its home and temporary folders pointing at empty ones, finds nothing of the
 * runtime's there and no global property set. (ONNX Runtime itself extracts its natives into
 * {@code onnxruntime-java*} under the temporary folder and keeps a device id under
 * {@code ~/.cache/Microsoft}; those are its own.)
 */
class RuntimeFootprintTest {
    private static final Path MODEL = Path.of(System.getProperty("trm.models.dir", "../models"), "sudoku-default.onnx");
    /** What ONNX Runtime itself writes: its natives' folder in the temporary folder, its device id under the home folder. */
    private static final String ORT_TEMP_PREFIX = "onnxruntime-java";
    private static final Path ORT_HOME_FOLDER = Path.of(".cache", "Microsoft");

    @TempDir
    Path dir;

    @Test
    void loadingAModelAndSolvingWritesNothingOfTheRuntimesInHomeOrTemp() throws Exception {
        Path home = Files.createDirectory(dir.resolve("home"));
        Path tmp = Files.createDirectory(dir.resolve("tmp"));
        String puzzle = new SudokuGenerator(1).next(SudokuGenerator.Difficulty.givens(40, 45)).question().toLine();
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Duser.home=" + home, "-Djava.io.tmpdir=" + tmp, SolveOnce.class.getName(), MODEL.toString(), puzzle);
        // the class path in CLASSPATH: ONNX Runtime crashes with a long command line (docs/serving.md)
        pb.environment().put("CLASSPATH", System.getProperty("java.class.path"));
        pb.environment().put("HOME", home.toString());
        pb.redirectErrorStream(true);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        List<String> lines = out.lines().collect(Collectors.toList());
        assertEquals(81, lines.get(0).length(), "an answer: " + out);
        assertEquals("null", lines.get(1), "the runtime set no native-library path");
        assertEquals(List.of(), notOnnxRuntimes(home, p2 -> p2.startsWith(home.resolve(ORT_HOME_FOLDER))), "home");
        assertEquals(List.of(), notOnnxRuntimes(tmp, p2 -> tmp.relativize(p2).getName(0).toString().startsWith(ORT_TEMP_PREFIX)), "temp");
    }

    /** Every file or folder under {@code root} that is not ONNX Runtime's own. */
    private static List<Path> notOnnxRuntimes(Path root, java.util.function.Predicate<Path> ortsOwn) throws Exception {
        try (Stream<Path> all = Files.walk(root)) {
            return all.filter(f -> !f.equals(root) && !ortsOwn.test(f) && !ORT_HOME_FOLDER.startsWith(root.relativize(f)))
                    .collect(Collectors.toList());
        }
    }
}
