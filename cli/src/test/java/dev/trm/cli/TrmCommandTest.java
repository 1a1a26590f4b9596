package dev.trm.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trm.data.SharedData;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class TrmCommandTest {
    @TempDir
    Path dir;

    /** Exit code, standard output and standard error of one {@code trm} run. */
    record Run(int code, String out, String err) {
    }

    static Run trm(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = Trm.commandLine();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    static Path shared(String relative) {
        return SharedData.file(relative);
    }

    static final String PUZZLE = "98.7..6..5..8.......7.9..857...4...9.9.5.34....4....2.1..3......7..8...1......26.";
    static final String SOLUTION = "981725634546831792237694185765248319892513476314967528129356847673482951458179263";

    @Test
    void evalWithoutTheCheckerScoresEachPickOnTheSameCopiesAndNoneBeatsAnyCopy() throws IOException {
        Path model = Path.of(System.getProperty("trm.models.dir", "../models"), "sudoku-default.onnx");
        Path test = dir.resolve("picks.csv");
        assertEquals(0, trm("data", "generate", "--count", "6", "--seed", "3", "-o", test.toString()).code());
        String effort = "1x2,3x2~~0.5+sym";
        Run r = trm("eval", model.toString(), test.toString(), "--no-checker", "--policies", "fixed", "--efforts", effort,
                "--picks", "votes,halt,weighted,any");
        assertEquals(0, r.code(), r.err());
        Map<String, String[]> rows = new HashMap<>();
        for (String pick : List.of("votes", "halt", "weighted", "any")) {
            rows.put(pick, r.out().lines().filter(l -> l.contains(effort + "@" + pick + " ")).findFirst()
                    .orElseThrow(() -> new AssertionError(pick + " row missing in\n" + r.out())).trim().split("\\s+"));
        }
        double any = Double.parseDouble(rows.get("any")[2]);
        assertTrue(any > 0, "the shipped model solves some everyday puzzles in 2 steps: " + r.out());
        rows.forEach((pick, row) -> {
            assertEquals(6.0, Double.parseDouble(row[4]), 1e-9, pick + ": every copy ran its 2 steps (2 + 2 x 2), the checker off");
            assertTrue(Double.parseDouble(row[2]) <= any, pick + " cannot beat 'a copy was right'");
        });
        Run withChecker = trm("eval", model.toString(), test.toString(), "--picks", "halt");
        assertEquals(1, withChecker.code());
        assertTrue(withChecker.err().contains("--picks needs --no-checker"), withChecker.err());
        Run verified = trm("eval", model.toString(), test.toString(), "--no-checker");
        assertEquals(1, verified.code());
        assertTrue(verified.err().contains("the policy 'verified' stops on the checker"), verified.err());
    }

    @Test
    void solveRunsTheBundledModelAndSaysSo() {
        Run r = trm("solve", PUZZLE);
        assertTrue(r.code() == 0 || r.code() == 1, r.err());
        assertTrue(r.out().contains("puzzle: solved by the model and verified") || r.out().contains("puzzle: NOT solved"), r.out());
        assertTrue(r.out().contains("N_sup") || r.out().contains("copies"), r.out());
    }

    @Test
    void solvePrintsTheGridOfTheExactSolver() throws IOException {
        Run r = trm("solve", "--exact", PUZZLE);
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("9 8 1 | 7 2 5 | 6 3 4\n"), r.out());
        assertTrue(r.out().contains("unique solution"));
        Run json = trm("solve", "--exact", "--json", PUZZLE);
        assertEquals(SOLUTION, new ObjectMapper().readTree(json.out()).path("answer").asText());
    }

    @Test
    void solveRejectsBadPuzzles() {
        Run shortOne = trm("solve", "--exact", "123");
        assertEquals(1, shortOne.code());
        assertTrue(shortOne.err().contains("trm solve: puzzle: a Sudoku has 81 cells, got 3 characters"), shortOne.err());
        Run conflict = trm("solve", "--exact", "11" + ".".repeat(79));
        assertEquals(1, conflict.code());
        assertTrue(conflict.err().contains("contradictory givens: row 1 has two 1s"), conflict.err());
        Run unsolvable = trm("solve", "--exact", "12345678." + "........9" + ".".repeat(63));
        assertEquals(1, unsolvable.code());
        assertTrue(unsolvable.out().contains("no solution"));
        Run withModel = trm("solve", "123");
        assertEquals(1, withModel.code());
        assertTrue(withModel.err().contains("trm solve: puzzle: sudoku: a Sudoku has 81 cells, got 3 characters"), withModel.err());
        assertEquals(2, trm("solve", "--nope").code());
    }

    @Test
    void badLinesAreNamedByFileAndLineAfterTheResultsBeforeThem() throws IOException {
        Path f = dir.resolve("puzzles.txt");
        Files.writeString(f, PUZZLE + "\n\n" + PUZZLE + "\n" + "12x" + "\n");
        Run r = trm("solve", "--exact", "--batch", "2", "-f", f.toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("trm solve: " + f + ":4: "), r.err());
        assertTrue(r.out().contains(f + ":1: solved by the exact solver") && r.out().contains(f + ":3: solved by the exact solver"),
                "the batch before the bad line is printed: " + r.out());
        Path empty = dir.resolve("empty.txt");
        Files.writeString(empty, "");
        Run none = trm("solve", "-f", empty.toString());
        assertEquals(1, none.code());
        assertTrue(none.err().contains(empty + ": no puzzles in it"), none.err());
        Path bomCsv = dir.resolve("questions.csv");
        Files.writeString(bomCsv, "\uFEFFquestion\n" + PUZZLE + "\n");
        Run csv = trm("solve", "--exact", "-f", bomCsv.toString());
        assertEquals(0, csv.code(), csv.err());
        assertTrue(csv.out().contains(bomCsv + ":2: solved"), csv.out());
    }

    @Test
    void badOptionsAreErrorsEvenWhereUnused() {
        for (String[] bad : new String[][] {{"--provider", "nonsense"}, {"--policy", "bogus"}, {"--batch", "0"},
            {"--threads", "-5"}, {"--threads", "10000"}, {"--effort", "lots"}, {"--fallback", "maybe"}}) {
            Run r = trm("solve", "--exact", bad[0], bad[1], PUZZLE);
            assertEquals(1, r.code(), String.join(" ", bad));
            assertTrue(r.err().startsWith("trm solve: "), r.err());
        }
        Run threads = trm("solve", "--threads", "10000", PUZZLE);
        assertTrue(threads.err().contains("per core"), threads.err());
        Run limit = trm("eval", "--limit", "-5", "model.onnx", "data.csv");
        assertEquals(1, limit.code());
        assertTrue(limit.err().contains("--limit must be 0 (all) or more, got -5"), limit.err());
    }

    @Test
    void checkPrintsTheSummaryOfTheSharedTrainingSet() {
        Run r = trm("data", "check", shared("sudoku/train_1k.csv").toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("1000 Sudoku puzzles; every row valid"), r.out());
        assertTrue(r.out().contains("unique solutions: 1000 of 1000"));
        assertTrue(r.out().contains("givens: min 17, max 37"));
        assertTrue(r.out().contains("rating (solver dead ends): min 0, max 611, mean 86.5"));
    }

    @Test
    void checkNamesTheCorruptedRow() throws IOException {
        List<String> lines = Files.readAllLines(shared("sudoku/train_1k.csv"));
        String row = lines.get(16);
        int q = row.indexOf(',') + 1;
        lines.set(16, row.substring(0, q + 5) + "x" + row.substring(q + 6));
        Path bad = dir.resolve("bad.csv");
        Files.write(bad, lines);
        Run r = trm("data", "check", bad.toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("trm data check: " + bad + ":17: question: character 6 (r1c6) is 'x'"), r.err());
        assertEquals("", r.out(), "no half summary before the error");
    }

    @Test
    void checkMazeAndArc() {
        Run maze = trm("data", "check", shared("maze-30x30-hard-1k/train.csv").toString());
        assertEquals(0, maze.code(), maze.err());
        assertTrue(maze.out().contains("1000 mazes; every row valid"));
        assertTrue(maze.out().contains("shortest path (moves): min 109, max 146, mean 114.1"), maze.out());
        Run arc = trm("data", "check", shared("arc-agi-1/training.json").toString());
        assertEquals(0, arc.code(), arc.err());
        assertTrue(arc.out().contains("400 ARC tasks, 1302 demonstration pairs, 416 test pairs (0 without outputs)"), arc.out());
    }

    @Test
    void generateIsSeededAndAugmentKeepsValidity() throws IOException {
        Path a = dir.resolve("a.csv");
        Path b = dir.resolve("b.csv");
        assertEquals(0, trm("data", "generate", "--count", "20", "--givens", "40-45", "--seed", "7", "-o", a.toString()).code());
        assertEquals(0, trm("data", "generate", "--count", "20", "--givens", "40-45", "--seed", "7", "-o", b.toString()).code());
        assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(b));
        Run check = trm("data", "check", a.toString());
        assertEquals(0, check.code(), check.err());
        assertTrue(check.out().contains("20 Sudoku puzzles"));
        assertFalse(check.out().contains("givens: min 39"));
        Path aug = dir.resolve("aug.csv.gz");
        assertEquals(0, trm("data", "augment", a.toString(), "--copies", "3", "--seed", "1", "-o", aug.toString()).code());
        Run augCheck = trm("data", "check", aug.toString(), "--task", "sudoku");
        assertEquals(0, augCheck.code(), augCheck.err());
        assertTrue(augCheck.out().contains("80 Sudoku puzzles"), augCheck.out());
        Run badRange = trm("data", "generate", "--count", "2", "--givens", "5-9", "-o", dir.resolve("c.csv").toString());
        assertEquals(1, badRange.code());
        assertTrue(badRange.err().contains("givens range must lie in 17..81"), badRange.err());
        assertFalse(Files.exists(dir.resolve("c.csv")));
        Run huge = trm("data", "generate", "--count", "2", "--givens", "99999999999-1", "-o", dir.resolve("c.csv").toString());
        assertEquals(1, huge.code());
        assertTrue(huge.err().contains("--givens: MIN-MAX within 0-81") && huge.err().contains("'99999999999-1'"), huge.err());
        Run unreachable = trm("data", "generate", "--count", "2", "--givens", "17-20", "-o", dir.resolve("c.csv").toString());
        assertEquals(1, unreachable.code());
        assertTrue(unreachable.err().contains("give a range whose maximum is at least 22"), unreachable.err());
        assertFalse(Files.exists(dir.resolve("c.csv")));
        Run training = trm("train", "--preset", "sudoku-mlp-tiny", "--generate", "17-18", "--steps", "1", "-o", dir.resolve("r").toString());
        assertEquals(1, training.code());
        assertTrue(training.err().contains("give a range whose maximum is at least 22"), training.err());
        Run overInput = trm("data", "augment", a.toString(), "--copies", "1", "-o", a.toString());
        assertEquals(1, overInput.code());
        assertTrue(overInput.err().contains("it is the input"), overInput.err());
    }
}
