package dev.trm.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trm.task.sudoku.SudokuGrid;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every kind of bad input gets an error naming the file, the line or task, and the field. */
class BadInputTest {
    static final String Q = "98.7..6..5..8.......7.9..857...4...9.9.5.34....4....2.1..3......7..8...1......26.";
    static final String A = "981725634546831792237694185765248319892513476314967528129356847673482951458179263";
    static final String HEADER = "source,question,answer,rating\n";

    @TempDir
    Path dir;

    private Path csv(String body) throws IOException {
        Path p = dir.resolve("set.csv");
        Files.writeString(p, body);
        return p;
    }

    private String sudokuError(String body) throws IOException {
        Path p = csv(body);
        DataFormatException e = assertThrows(DataFormatException.class, () -> PuzzleSet.readSudoku(p));
        assertEquals(p, e.file());
        return e.getMessage();
    }

    private static String row(String q, String a, String rating) {
        return "x," + q + "," + a + "," + rating + "\n";
    }

    @Test
    void goodRowsRead() throws IOException {
        List<Example<SudokuGrid>> set = PuzzleSet.readSudoku(csv(HEADER + row(Q, A, "0") + row(Q, A, "")));
        assertEquals(2, set.size());
        assertEquals(2, set.get(0).line());
        assertEquals(3, set.get(1).line());
        assertEquals(0, set.get(0).rating());
        assertEquals(Example.NO_RATING, set.get(1).rating());
    }

    @Test
    void badCharacterNamesLineAndField() throws IOException {
        String bad = Q.substring(0, 4) + "x" + Q.substring(5);
        String msg = sudokuError(HEADER + row(Q, A, "0") + row(Q, A, "0") + row(bad, A, "0"));
        assertTrue(msg.endsWith("set.csv:4: question: character 5 (r1c5) is 'x': expected 1-9, '.' or '0'"), msg);
    }

    @Test
    void wrongLength() throws IOException {
        String msg = sudokuError(HEADER + row(Q, A.substring(1), "0"));
        assertTrue(msg.endsWith(":2: answer: a Sudoku has 81 cells, got 80 characters"), msg);
    }

    @Test
    void contradictoryGivens() throws IOException {
        String msg = sudokuError(HEADER + row("99" + Q.substring(2), A, "0"));
        assertTrue(msg.contains(":2: question: contradictory givens: row 1 has two 9s (r1c1, r1c2)"), msg);
    }

    @Test
    void answerThatDoesNotSolve() throws IOException {
        String wrong = A.substring(0, 2) + "2" + A.substring(3);
        String msg = sudokuError(HEADER + row(Q, wrong, "0"));
        assertTrue(msg.contains(":2: answer does not solve the question: row 1 has two 2s"), msg);
    }

    @Test
    void badRating() throws IOException {
        assertTrue(sudokuError(HEADER + row(Q, A, "-3")).contains(":2: rating: '-3' is not a non-negative integer"));
        assertTrue(sudokuError(HEADER + row(Q, A, "hard")).contains(":2: rating: 'hard'"));
    }

    @Test
    void missingColumnAndWrongFieldCount() throws IOException {
        assertTrue(sudokuError("source,puzzle,answer\nx," + Q + "," + A + "\n").contains(":1: header has no 'question' column"));
        String msg = sudokuError(HEADER + row(Q, A, "0") + "x," + Q + "\n");
        assertTrue(msg.contains(":3: has 2 fields, the header has 4"), msg);
    }

    @Test
    void unterminatedQuoteIsMalformed() throws IOException {
        String msg = sudokuError(HEADER + row(Q, A, "0") + "\"x," + Q + "," + A + ",0\n");
        assertTrue(msg.contains(":3: malformed CSV"), msg);
    }

    @Test
    void missingFile() {
        Path p = dir.resolve("nope.csv");
        DataFormatException e = assertThrows(DataFormatException.class, () -> PuzzleSet.readSudoku(p));
        assertTrue(e.getMessage().endsWith("nope.csv: no such file"), e.getMessage());
        DataFormatException folder = assertThrows(DataFormatException.class, () -> PuzzleSet.readSudoku(dir));
        assertTrue(folder.getMessage().endsWith(dir + ": is a directory, not a file of puzzles"), folder.getMessage());
    }

    @Test
    void binaryFilesAreNotTextAtTheirLine() throws IOException {
        Path p = dir.resolve("set.bin");
        byte[] bytes = (HEADER + row(Q, A, "0")).getBytes(StandardCharsets.UTF_8);
        byte[] withJunk = Arrays.copyOf(bytes, bytes.length + 4);
        withJunk[bytes.length] = (byte) 0xC3; // a UTF-8 lead byte without its continuation
        withJunk[bytes.length + 1] = (byte) 0x28;
        Files.write(p, withJunk);
        DataFormatException e = assertThrows(DataFormatException.class, () -> PuzzleSet.readSudoku(p));
        assertTrue(e.getMessage().contains("set.bin:3: not UTF-8 text"), e.getMessage());
        Path plain = dir.resolve("plain.txt");
        Files.write(plain, new byte[] {'1', '\n', (byte) 0xFF, (byte) 0xFE, 0, 0});
        try (PuzzleFile f = PuzzleFile.open(plain)) {
            assertEquals("1", f.next().question());
            DataFormatException binary = assertThrows(DataFormatException.class, f::hasNext);
            assertTrue(binary.getMessage().contains("plain.txt:2: not UTF-8 text"), binary.getMessage());
        }
    }

    @Test
    void aByteOrderMarkIsDroppedAndAnswersAreOptionalForSolving() throws IOException {
        Path bom = dir.resolve("bom.txt");
        Files.writeString(bom, "\uFEFF" + Q + "\n\n" + Q + "\n");
        try (PuzzleFile f = PuzzleFile.open(bom)) {
            PuzzleCsv.Row first = f.next();
            assertEquals(Q, first.question());
            assertEquals(1, first.line());
            assertEquals(3, f.next().line(), "blank lines are skipped but counted");
            assertTrue(!f.hasNext());
        }
        Path questions = dir.resolve("questions.csv");
        Files.writeString(questions, "\uFEFFquestion,source\n" + Q + ",x\n");
        try (PuzzleFile f = PuzzleFile.open(questions)) {
            assertTrue(f.isCsv());
            assertTrue(!f.hasAnswers());
            PuzzleCsv.Row r = f.next();
            assertEquals(Q, r.question());
            assertEquals(2, r.line());
        }
        DataFormatException noAnswers = assertThrows(DataFormatException.class, () -> PuzzleSet.readSudoku(questions));
        assertTrue(noAnswers.getMessage().contains("header has no 'answer' column"), noAnswers.getMessage());
    }

    @Test
    void gzipIsDetectedFromContent() throws IOException {
        Path p = dir.resolve("set.bin");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(p))) {
            out.write((HEADER + row(Q, A, "7")).getBytes(StandardCharsets.UTF_8));
        }
        assertEquals(7, PuzzleSet.readSudoku(p).get(0).rating());
    }

    @Test
    void mazeErrors() throws IOException {
        String wall = "#".repeat(900);
        String msg = assertThrows(DataFormatException.class,
                () -> PuzzleSet.readMaze(csv(HEADER + "m,\"" + wall + "\",\"" + wall + "\",1\n"))).getMessage();
        assertTrue(msg.contains(":2: question: a maze needs exactly one S and one G, found 0 S and 0 G"), msg);
        String open = "S" + " ".repeat(898) + "G";
        String path = "S" + "o".repeat(28) + " ".repeat(869) + "oG"; // not a shortest path
        String msg2 = assertThrows(DataFormatException.class,
                () -> PuzzleSet.readMaze(csv(HEADER + "m,\"" + open + "\",\"" + path + "\",1\n"))).getMessage();
        assertTrue(msg2.contains(":2: answer does not solve the question: the path has 29 cells but a shortest path has 57"), msg2);
    }

    private String arcError(String json) throws IOException {
        Path p = dir.resolve("tasks.json");
        Files.writeString(p, json);
        return assertThrows(DataFormatException.class, () -> ArcSet.read(p)).getMessage();
    }

    @Test
    void arcErrorsNameTaskAndPath() throws IOException {
        assertTrue(arcError("{\"a\": {\"train\": [{\"input\": [[1,2],[3]], \"output\": [[1]]}], \"test\": []}}")
                .endsWith("tasks.json:task a: train[0].input: row 1 has 1 cells, row 0 has 2"));
        assertTrue(arcError("{\"a\": {\"train\": [], \"test\": [{\"input\": [[1]], \"output\": [[12]]}]}}")
                .endsWith("task a: test[0].output: cell (0,0) is 12: expected a colour 0..9"));
        assertTrue(arcError("{\"a\": {\"train\": [{\"input\": [[1]]}], \"test\": []}}")
                .endsWith("task a: train[0].output is missing"));
        assertTrue(arcError("{\"a\": {\"train\": [{\"input\": [[1.5]], \"output\": [[1]]}], \"test\": []}}")
                .endsWith("task a: train[0].input cell (0,0) is 1.5, not an integer"));
        assertTrue(arcError("{\"a\": {\"test\": []}}").endsWith("task a: 'train' must be a list of pairs"));
        assertTrue(arcError("[1, 2]").endsWith("expected a JSON object keyed by task id"));
        String syntax = arcError("{\"a\": {\n\"train\": [,]}}");
        assertTrue(syntax.contains("tasks.json:2:") && syntax.contains("malformed JSON"), syntax);
    }

    @Test
    void arcJsonIsStrictAboutWhatFollowsValueRangesAndEmptyTasks() throws IOException {
        String good = "{\"a\": {\"train\": [{\"input\": [[1]], \"output\": [[2]]}], \"test\": [{\"input\": [[3]]}]}}";
        Path p = Files.writeString(dir.resolve("good.json"), good);
        assertEquals(1, ArcSet.read(p).size());
        String trailing = arcError(good + "\ngarbage");
        assertTrue(trailing.contains("tasks.json:2:") && trailing.contains("malformed JSON"), trailing);
        String wraps = arcError(good.replace("[[2]]", "[[4294967297]]")); // 2^32 + 1, which an int cast reads as 1
        assertTrue(wraps.endsWith("task a: train[0].output cell (0,0) is 4294967297: expected a colour 0..9"), wraps);
        assertTrue(arcError("{\"a\": {\"train\": [], \"test\": []}}").endsWith("task a: 'train' is empty: a task needs demonstration"
                + " pairs and test inputs"));
        assertTrue(arcError(good.replace("[{\"input\": [[3]]}]", "[]")).endsWith("task a: 'test' is empty: a task needs demonstration"
                + " pairs and test inputs"));
        assertTrue(arcError("{}").contains("no tasks in it"));
        String twice = arcError("{\"a\": " + good.substring(6, good.length() - 1) + ", \"a\": " + good.substring(6, good.length() - 1) + "}");
        assertTrue(twice.contains("Duplicate field 'a'"), twice);
    }

    @Test
    void aDuplicatedHeaderColumnIsNamedAsSuch() throws IOException {
        String msg = sudokuError("source,question,answer,question\nx," + Q + "," + A + "," + Q + "\n");
        assertTrue(msg.contains(":1: header names 'question' twice"), msg);
    }

    @Test
    void writersAreAtomicAndRoundTrip() throws IOException {
        Path out = dir.resolve("sub/out.csv.gz");
        List<Example<SudokuGrid>> set = PuzzleSet.readSudoku(csv(HEADER + row(Q, A, "5")));
        PuzzleCsv.write(out, List.of(PuzzleSet.sudokuRow("s", set.get(0).question(), set.get(0).answer(), 5)));
        assertEquals(set.get(0).answer(), PuzzleSet.readSudoku(out).get(0).answer());
        try (var files = Files.list(out.getParent())) {
            assertEquals(List.of(out), files.toList(), "no temporary file left behind");
        }
        // a failing write leaves the old file untouched
        byte[] before = Files.readAllBytes(out);
        assertThrows(IOException.class, () -> AtomicFile.write(out, o -> {
            o.write(1);
            throw new IOException("disk full");
        }));
        assertEquals(Arrays.toString(before), Arrays.toString(Files.readAllBytes(out)));
        try (var files = Files.list(out.getParent())) {
            assertEquals(1, files.count());
        }
    }

    @Test
    void temporaryFilesOfAKilledWriterAreRemovedByTheNextWrite() throws IOException {
        Path out = dir.resolve("run/checkpoint.ckpt");
        Files.createDirectories(out.getParent());
        Path stale = out.getParent().resolve(".checkpoint.ckpt.123.tmp");
        Path live = out.getParent().resolve(".checkpoint.ckpt.456.tmp");
        Path other = out.getParent().resolve(".metrics.jsonl.789.tmp");
        for (Path p : List.of(stale, live, other)) {
            Files.writeString(p, "half");
        }
        FileTime old = FileTime.fromMillis(
                System.currentTimeMillis() - AtomicFile.STALE_MILLIS - 1000);
        Files.setLastModifiedTime(stale, old);
        Files.setLastModifiedTime(other, old);
        AtomicFile.write(out, o -> o.write(7));
        assertTrue(Files.notExists(stale), "a killed writer's file is removed");
        assertTrue(Files.exists(live), "a file being written now is left alone");
        assertTrue(Files.exists(other), "another target's files are not this write's business");
    }

    @Test
    void aWrittenFileGetsTheModeAnyNewFileGetsUnderTheProcessUmaskNotAPrivateOne() throws IOException {
        Path dir = Files.createTempDirectory("atomic");
        Path written = dir.resolve("written.bin");
        AtomicFile.write(written, o -> o.write(1));
        Path plain = Files.createFile(dir.resolve("plain.bin"));
        assertEquals(Files.getPosixFilePermissions(plain), Files.getPosixFilePermissions(written));
    }

    @Test
    void aReplacedFileKeepsItsPermissionsSoAPrivateFileStaysPrivate() throws IOException {
        Path out = dir.resolve("secret.csv");
        Files.write(out, new byte[] {1});
        Files.setPosixFilePermissions(out, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        AtomicFile.write(out, o -> o.write(2));
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(out)));
        assertEquals(2, Files.readAllBytes(out)[0]);
    }

    @Test
    void theEarlyCheckMakesNoFolderAndTheWriteMakesThem() throws IOException {
        Path out = dir.resolve("a/b/c.csv");
        AtomicFile.requireWritableFolder(out);
        assertTrue(!Files.exists(dir.resolve("a")), "a check before a long job leaves nothing behind if the job fails");
        AtomicFile.write(out, o -> o.write(3));
        assertTrue(Files.isRegularFile(out));
        Path file = dir.resolve("plain");
        Files.write(file, new byte[] {1});
        IOException underAFile = assertThrows(IOException.class, () -> AtomicFile.requireWritableFolder(file.resolve("x/y.csv")));
        assertTrue(underAFile.getMessage().contains(file + " is not a folder"), underAFile.getMessage());
        IOException proc = assertThrows(IOException.class, () -> AtomicFile.requireWritableFolder(Path.of("/proc/trm-test/x.csv")));
        assertTrue(proc.getMessage().contains("folder /proc is not writable"), proc.getMessage());
    }
}
