package dev.trm.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trm.data.SudokuGenerator;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The job class as spark-submit and ./trm-spark run it, in local mode. */
class TrmSparkJobTest {
    private static final String MODEL = Path.of(System.getProperty("trm.models.dir", "../models"), "sudoku-default.onnx").toString();
    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    Path dir;

    private Path csv(int n, boolean withBadRow) throws IOException {
        List<String> lines = new ArrayList<>(List.of("source,question,answer"));
        SudokuGenerator gen = new SudokuGenerator(31);
        for (int i = 0; i < n; i++) {
            SudokuGenerator.Puzzle p = gen.next(SudokuGenerator.Difficulty.givens(30, 36));
            lines.add("gen," + p.question().toLine() + "," + p.answer().toLine());
            if (withBadRow && i == 1) {
                lines.add("bad,12345,");
            }
        }
        Path f = dir.resolve("puzzles.csv");
        Files.write(f, lines);
        return f;
    }

    private static String[] run(String... args) {
        StringWriter err = new StringWriter();
        CommandLine cl = TrmSparkJob.commandLine();
        cl.setErr(new PrintWriter(err));
        int code = cl.execute(args);
        return new String[] {Integer.toString(code), err.toString()};
    }

    @Test
    void solveWritesOneJsonObjectPerLineWithTheFieldsOfTrmSolveJsonAndAnErrorForTheBadRow() throws IOException {
        Path in = csv(6, true);
        Path out = dir.resolve("solved");
        String[] r = run("solve", in.toString(), "-m", MODEL, "-o", out.toString(), "--format", "json", "--partitions", "3", "--master",
                "local[2]");
        assertEquals("0", r[0], r[1]);
        List<JsonNode> rows = new ArrayList<>();
        try (Stream<Path> parts = Files.list(out)) {
            for (Path p : parts.filter(p -> p.getFileName().toString().endsWith(".json")).toList()) {
                for (String line : Files.readAllLines(p)) {
                    rows.add(JSON.readTree(line));
                }
            }
        }
        assertEquals(7, rows.size());
        Set<String> fields = new HashSet<>();
        rows.get(0).fieldNames().forEachRemaining(fields::add);
        assertEquals(Set.of("where", "puzzle", "answer", "solved", "solved_by", "steps", "copies", "total_steps", "halt", "halt_probability",
                "ms", "error"), fields);
        long errors = rows.stream().filter(n -> !n.get("error").isNull()).count();
        assertEquals(1, errors);
        assertTrue(rows.stream().filter(n -> n.get("error").isNull()).allMatch(n -> n.get("solved").asBoolean()));
        assertTrue(rows.get(0).get("where").asText().endsWith("puzzles.csv"));

        String[] again = run("solve", in.toString(), "-m", MODEL, "-o", out.toString(), "--master", "local[2]");
        assertEquals("1", again[0]);
        assertTrue(again[1].contains("exists already"), again[1]);
    }

    @Test
    void failFastStopsAtTheBadPuzzleNamesItAndLeavesNoOutput() throws IOException {
        Path out = dir.resolve("solved");
        String[] r = run("solve", csv(4, true).toString(), "-m", MODEL, "-o", out.toString(), "--fail-fast", "--master", "local[2]");
        assertEquals("1", r[0]);
        assertTrue(r[1].contains("puzzle '12345'") && r[1].contains("81 cells"), r[1]);
        assertFalse(Files.exists(out), "no half-written output");
    }

    @Test
    void aMissingModelOrBadOptionIsAClearError() throws IOException {
        String[] r = run("solve", csv(2, false).toString(), "-m", "nope.onnx", "-o", dir.resolve("o").toString(), "--master", "local[2]");
        assertEquals("1", r[0]);
        assertTrue(r[1].contains("nope.onnx: no such file"), r[1]);
        r = run("solve", csv(2, false).toString(), "-o", dir.resolve("o").toString(), "--master", "local[2]");
        assertEquals("1", r[0]);
        assertTrue(r[1].contains("--model: give the exported model"), r[1]);
        r = run("solve", csv(2, false).toString(), "-m", "/dev/zero", "-o", dir.resolve("z").toString(), "--master", "local[2]");
        assertEquals("1", r[0]);
        assertTrue(r[1].contains("/dev/zero: not a model file"), r[1]);
        String checkpoint = Path.of(MODEL).resolveSibling("sudoku-default.ckpt").toString();
        r = run("solve", csv(2, false).toString(), "-m", checkpoint, "-o", dir.resolve("c").toString(), "--master", "local[2]");
        assertEquals("1", r[0]);
        assertTrue(r[1].contains(checkpoint + ": not an ONNX model"), r[1]);
        r = run("eval", csv(2, false).toString(), "-m", MODEL, "--efforts", "lots", "--master", "local[2]");
        assertEquals("1", r[0]);
        assertTrue(r[1].contains("effort: "), r[1]);
    }

    @Test
    void aBadOutputMasterOrColumnIsOneLineBeforeAnyJobRuns() throws IOException {
        String in = csv(2, false).toString();
        for (String[] c : new String[][] {
                {"-o", "/dev/null/out", "is not a folder"},
                {"-o", "/proc/out", "is not writable"},
                {"-o", in, "exists already"},
                {"--master", "local[0]", "is not a master URL"},
                {"--master", "nonsense://x", "is not a master URL"},
                {"--master", "spark://127.0.0.1:1", "no master answers there"}}) {
            List<String> args = new java.util.ArrayList<>(List.of("solve", in, "-m", MODEL));
            if (!c[0].equals("-o")) {
                args.addAll(List.of("-o", dir.resolve("o-" + Math.abs(c[1].hashCode())).toString()));
            }
            args.addAll(List.of(c[0], c[1]));
            if (c[0].equals("-o")) {
                args.addAll(List.of("--master", "local[2]"));
            }
            String[] r = run(args.toArray(new String[0]));
            assertEquals("1", r[0], String.join(" ", args) + ": " + r[1]);
            assertTrue(r[1].contains(c[2]), r[1]);
            assertTrue(r[1].strip().lines().count() <= 2, "one line, no trace: " + r[1]);
        }
        Path headerOnly = dir.resolve("header-only.csv");
        Files.writeString(headerOnly, "source,question,answer\n");
        String[] r = run("solve", headerOnly.toString(), "-m", MODEL, "-o", dir.resolve("empty").toString(), "--master", "local[2]");
        assertEquals("0", r[0], r[1]);
        r = run("solve", headerOnly.toString(), "-m", MODEL, "--column", "puzzle", "-o", dir.resolve("nocol").toString(), "--master", "local[2]");
        assertEquals("1", r[0]);
        assertTrue(r[1].contains("no column 'puzzle'"), r[1]);
    }
}
