package dev.trm.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A file of puzzles for trm solve --file: CSV with a question column, or one puzzle per line. */
class PuzzleFileTest {
    private static final String Q = ".8.1.....16.9785...9...2.8161..5..93.2.....7.....8....246.9....35.6...47.7..356..";
    @TempDir
    Path dir;

    @Test
    void aCsvWhoseHeaderHasNoQuestionColumnIsNamedNotReadAsPuzzleLines() throws IOException {
        Path csv = dir.resolve("p.csv");
        Files.writeString(csv, "source,puzzle,answer\nx," + Q + ",\n");
        DataFormatException e = assertThrows(DataFormatException.class, () -> PuzzleFile.open(csv));
        assertTrue(e.getMessage().contains(":1: header has no 'question' column") && e.getMessage().contains("puzzle"), e.getMessage());
        Path lines = dir.resolve("p.txt");
        Files.writeString(lines, Q + "\n");
        try (PuzzleFile f = PuzzleFile.open(lines)) {
            assertEquals(Q, f.next().question(), "a plain puzzle line is still a puzzle");
        }
    }
}
