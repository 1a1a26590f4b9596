package dev.trm.task.sudoku;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.trm.task.PuzzleException;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class SudokuCodecTest {
    private final SudokuCodec codec = SudokuCodec.INSTANCE;

    @Test
    void referenceTokenIds() {
        assertEquals(11, codec.vocabularySize());
        assertEquals(81, codec.sequenceLength());
        assertEquals("sudoku", codec.task());
        int[] tokens = codec.encode(SudokuGrid.parse(SudokuGridTest.PUZZLE));
        // "98.7..6.." -> 9+1, 8+1, blank=1, 7+1, 1, 1, 6+1, 1, 1
        int[] firstRow = {10, 9, 1, 8, 1, 1, 7, 1, 1};
        for (int i = 0; i < firstRow.length; i++) {
            assertEquals(firstRow[i], tokens[i], "token " + i);
        }
        int[] all = codec.encode(SudokuGrid.parse("123456789" + ".".repeat(72)));
        assertArrayEquals(new int[] {2, 3, 4, 5, 6, 7, 8, 9, 10, 1}, Arrays.copyOf(all, 10));
    }

    @Test
    void roundTrip() {
        for (String s : new String[] {SudokuGridTest.PUZZLE, SudokuGridTest.SOLUTION}) {
            SudokuGrid g = SudokuGrid.parse(s);
            assertEquals(g, codec.decode(codec.encode(g)));
        }
    }

    @Test
    void padDecodesAsBlankAndOutOfRangeIsAnError() {
        int[] tokens = codec.encode(SudokuGrid.parse(SudokuGridTest.SOLUTION));
        tokens[5] = 0;
        assertEquals(SudokuGrid.BLANK, codec.decode(tokens).get(5));
        tokens[5] = 11;
        assertThrows(PuzzleException.class, () -> codec.decode(tokens));
        assertThrows(PuzzleException.class, () -> codec.decode(new int[80]));
    }
}
