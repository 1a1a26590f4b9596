package dev.trm.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trm.task.sudoku.SudokuChecker;
import dev.trm.task.sudoku.SudokuCodec;
import dev.trm.task.sudoku.SudokuGrid;
import dev.trm.task.sudoku.SudokuSolver;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class GeneratedSudokuTest {
    private static int givens(PuzzleSamples.Sample s) {
        return SudokuCodec.INSTANCE.decode(s.tokens()).filled();
    }

    @Test
    void aPositionAlwaysGivesTheSameUniquePuzzleWithItsAnswer() {
        GeneratedSudoku a = new GeneratedSudoku(new GeneratedSudoku.Spec(24, 30, 0), 8, 5, true);
        GeneratedSudoku b = new GeneratedSudoku(new GeneratedSudoku.Spec(24, 30, 0), 8, 5, true);
        Set<String> seen = new HashSet<>();
        for (long p = 0; p < 20; p++) {
            PuzzleSamples.Sample s = a.at(p);
            assertArrayEquals(s.tokens(), b.at(p).tokens(), "position " + p);
            assertArrayEquals(s.labels(), a.at(p).labels(), "position " + p);
            SudokuGrid q = SudokuCodec.INSTANCE.decode(s.tokens());
            SudokuGrid answer = SudokuCodec.INSTANCE.decode(s.labels());
            assertTrue(SudokuChecker.isSolution(q, answer), "position " + p);
            assertTrue(SudokuSolver.solve(q, 2).isUnique(), "position " + p);
            assertTrue(givens(s) >= 24 && givens(s) <= 30, "givens " + givens(s));
            for (int i = 0; i < SudokuGrid.CELLS; i++) {
                assertEquals(q.get(i) == SudokuGrid.BLANK, s.blank()[i]);
            }
            seen.add(Arrays.toString(s.tokens()));
        }
        assertEquals(20, seen.size(), "every position is a fresh puzzle");
        GeneratedSudoku otherSeed = new GeneratedSudoku(new GeneratedSudoku.Spec(24, 30, 0), 8, 6, true);
        assertFalse(Arrays.equals(a.at(0).tokens(), otherSeed.at(0).tokens()));
    }

    @Test
    void theCurriculumStartsEasyAndReachesTheWholeRange() {
        GeneratedSudoku.Spec spec = new GeneratedSudoku.Spec(22, 40, 100);
        assertEquals(40, spec.at(0).minGivens());
        assertEquals(31, spec.at(50).minGivens());
        assertEquals(22, spec.at(100).minGivens());
        assertEquals(22, spec.at(10_000).minGivens());
        assertEquals(40, spec.at(50).maxGivens());
        GeneratedSudoku stream = new GeneratedSudoku(spec, 4, 1, false);
        for (long p = 0; p < 8; p++) {
            assertEquals(40, givens(stream.at(p)), "the first steps (4 positions each) are at the easy end");
        }
        GeneratedSudoku.Spec none = new GeneratedSudoku.Spec(22, 40, 0);
        assertEquals(22, none.at(0).minGivens());
    }

    @Test
    void badRangesAreClearErrors() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> GeneratedSudoku.Spec.parse("30", 0)).getMessage()
                .contains("MIN-MAX"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> GeneratedSudoku.Spec.parse("40-22", 0)).getMessage()
                .contains("min <= max"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> GeneratedSudoku.Spec.parse("10-20", 0)).getMessage()
                .contains("17"));
        assertThrows(IllegalArgumentException.class, () -> GeneratedSudoku.Spec.parse("22-40", -1));
    }
}
