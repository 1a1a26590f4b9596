package dev.trm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trm.data.SudokuGenerator;
import dev.trm.runtime.ModelLoader;
import dev.trm.runtime.TrmModel;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code trm} command as a separate process: what it leaves on the machine, and how it ends when its reader goes. */
class TrmProcessTest {
    private static final Path MODEL = Path.of(System.getProperty("trm.models.dir", "../models"), "sudoku-default.onnx");
    /** Where ONNX Runtime 1.29 kept its device id and telemetry queue, under the cache folder ($XDG_CACHE_HOME, else $HOME/.cache). */
    private static final Path MICROSOFT_CACHE = Path.of(".cache", "Microsoft");
    private static final long PROCESS_TIMEOUT_SECONDS = 120;
    /**
     * Variables under which ONNX Runtime keeps no telemetry of its own (its opt-out and the CI markers its library
     * names): the child runs without them, so the test sees what the toolkit does rather than what the machine does.
     */
    private static final List<String> TELEMETRY_OFF_MARKERS = List.of("ORT_DISABLE_TELEMETRY", "TF_BUILD",
            "GITHUB_ACTIONS", "GITLAB_CI", "CIRCLECI", "TRAVIS", "JENKINS_URL", "CODEBUILD_BUILD_ID", "BUILDKITE",
            "TEAMCITY_VERSION", "APPVEYOR", "BITBUCKET_BUILD_NUMBER");

    @TempDir
    Path dir;

    /** A trm process; the class path goes in CLASSPATH (ONNX Runtime crashes with a long command line: docs/serving.md). */
    private ProcessBuilder trm(Path home, List<String> jvm, String... args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvm);
        command.add(Trm.class.getName());
        Collections.addAll(command, args);
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().put("CLASSPATH", System.getProperty("java.class.path"));
        pb.environment().put("HOME", home.toString());
        // ONNX Runtime keeps its queue under $XDG_CACHE_HOME when that is set: point it into the same home
        pb.environment().put("XDG_CACHE_HOME", home.resolve(".cache").toString());
        pb.environment().keySet().removeAll(TELEMETRY_OFF_MARKERS);
        pb.redirectError(dir.resolve("err-" + home.getFileName() + ".txt").toFile());
        return pb;
    }

    /** An everyday puzzle, which the shipped model solves in one pass (exit 0). */
    private static String onePuzzle() {
        return new SudokuGenerator(1).next(SudokuGenerator.Difficulty.givens(40, 45)).question().toLine();
    }

    private int solveOnce(Path home, List<String> jvm) throws Exception {
        Process p = trm(home, jvm, "solve", "--effort", "plain", "-m", MODEL.toString(), onePuzzle())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        assertTrue(p.waitFor(PROCESS_TIMEOUT_SECONDS, TimeUnit.SECONDS), "trm solve ended");
        if (p.exitValue() != 0) {
            throw new AssertionError("trm solve exited " + p.exitValue() + ": " + Files.readString(dir.resolve("err-" + home.getFileName() + ".txt")));
        }
        return p.exitValue();
    }

    /** The files under a home, with their sizes: what a process left there. */
    private static String cacheListing(Path home) {
        try (Stream<Path> files = Files.walk(home)) {
            return files.filter(Files::isRegularFile)
                    .map(f -> home.relativize(f) + " (" + f.toFile().length() + " bytes)")
                    .collect(Collectors.joining(", ", "[", "]"));
        } catch (IOException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
    }

    /** Nothing of ONNX Runtime's under the home: no device id, no queued telemetry (ONNX Runtime 1.29 wrote both). */
    private static void assertNothingOfOnnxRuntimes(Path home) {
        assertFalse(Files.exists(home.resolve(MICROSOFT_CACHE)), "ONNX Runtime wrote under " + MICROSOFT_CACHE + ": " + cacheListing(home));
    }

    @Test
    void solvingWithNothingSetWritesNothingOfOnnxRuntimesUnderTheHomeEvenWithItsUsageTelemetryAskedFor() throws Exception {
        Path quiet = Files.createDirectory(dir.resolve("quiet-home"));
        assertEquals(0, solveOnce(quiet, List.of("-Duser.home=" + quiet)));
        assertNothingOfOnnxRuntimes(quiet);
        Path asked = Files.createDirectory(dir.resolve("asked-home"));
        assertEquals(0, solveOnce(asked, List.of("-Duser.home=" + asked, "-D" + ModelLoader.TELEMETRY_PROPERTY + "=true")));
        assertNothingOfOnnxRuntimes(asked);
    }

    @Test
    void progressLinesStayOutOfARedirectedStandardError() throws Exception {
        Path csv = dir.resolve("four.csv");
        List<String> lines = new ArrayList<>(List.of("source,question,answer,rating"));
        SudokuGenerator again = new SudokuGenerator(5);
        for (int i = 0; i < 4; i++) {
            SudokuGenerator.Puzzle p = again.next(SudokuGenerator.Difficulty.givens(40, 45));
            lines.add("test," + p.question().toLine() + "," + p.answer().toLine() + ",0");
        }
        Files.write(csv, lines);
        Path home = Files.createDirectory(dir.resolve("eval-home"));
        Process p = trm(home, List.of(), "eval", MODEL.toString(), csv.toString(), "--policies", "fixed", "--efforts", "plain")
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        assertTrue(p.waitFor(PROCESS_TIMEOUT_SECONDS, TimeUnit.SECONDS));
        String err = Files.readString(dir.resolve("err-eval-home.txt"));
        assertEquals(0, p.exitValue(), err);
        assertFalse(err.contains("\r") || err.contains("\033"), "progress codes in a redirected stderr: " + err);
        assertNothingOfOnnxRuntimes(home);
    }

    @Test
    void aClosedOutputEndsTheRunInsteadOfSolvingForNobody() throws Exception {
        String puzzle = onePuzzle();
        Path big = dir.resolve("big.txt");
        // enough exact solves for minutes of work: the run must end long before that
        Files.write(big, Collections.nCopies(2_000_000, puzzle));
        Process p = trm(Files.createDirectory(dir.resolve("home")), List.of(), "solve", "--exact", "--json", "-f", big.toString()).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        assertNotNull(out.readLine(), "a first answer");
        out.close(); // the reader goes, as `| head -1` does
        assertTrue(p.waitFor(PROCESS_TIMEOUT_SECONDS, TimeUnit.SECONDS), "the run ended once its output was closed");
        assertEquals(ClosedOutputException.EXIT_CODE, p.exitValue());
    }
}
