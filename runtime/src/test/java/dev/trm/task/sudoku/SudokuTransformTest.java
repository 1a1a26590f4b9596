package dev.trm.task.sudoku;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class SudokuTransformTest {
    private static final SudokuGrid Q = SudokuGrid.parse(SudokuGridTest.PUZZLE);
    private static final SudokuGrid A = SudokuGrid.parse(SudokuGridTest.SOLUTION);

    @Test
    void augmentedAnswerSolvesAugmentedQuestionOverManySeeds() {
        int transposed = 0;
        for (long seed = 0; seed < 500; seed++) {
            SudokuTransform t = SudokuTransform.random(new Random(seed));
            SudokuGrid q = t.apply(Q);
            SudokuGrid a = t.apply(A);
            assertTrue(SudokuChecker.isSolution(q, a), "seed " + seed + ": " + SudokuChecker.problem(q, a));
            assertEquals(Q.filled(), q.filled());
            assertEquals(t.inverse().apply(q), Q, "seed " + seed);
            assertEquals(t.inverse().apply(a), A, "seed " + seed);
            transposed += t.transpose() ? 1 : 0;
        }
        assertTrue(transposed > 200 && transposed < 300, "transpose drawn with probability 1/2: " + transposed);
    }

    @Test
    void sameSeedSameTransform() {
        assertEquals(SudokuTransform.random(new Random(9)), SudokuTransform.random(new Random(9)));
        assertNotEquals(SudokuTransform.random(new Random(9)), SudokuTransform.random(new Random(10)));
    }

    @Test
    void formulaMatchesTheReference() {
        // out[r][c] = digitMap[t(x)[rowOrder[r]][colOrder[c]]]
        int[] digits = {0, 2, 3, 4, 5, 6, 7, 8, 9, 1};
        int[] rows = {3, 4, 5, 0, 1, 2, 6, 7, 8};
        int[] cols = {0, 1, 2, 3, 4, 5, 8, 7, 6};
        SudokuGrid out = new SudokuTransform(digits, true, rows, cols).apply(A);
        for (int r = 0; r < 9; r++) {
            for (int c = 0; c < 9; c++) {
                assertEquals(digits[A.get(cols[c], rows[r])], out.get(r, c));
            }
        }
        assertEquals(A, SudokuTransform.identity().apply(A));
    }

    @Test
    void rejectsTransformsThatBreakBands() {
        int[] id = {0, 1, 2, 3, 4, 5, 6, 7, 8};
        int[] digits = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
        int[] mixed = {0, 1, 3, 2, 4, 5, 6, 7, 8};
        assertThrows(IllegalArgumentException.class, () -> new SudokuTransform(digits, false, mixed, id));
        int[] movesBlank = {1, 0, 2, 3, 4, 5, 6, 7, 8, 9};
        assertThrows(IllegalArgumentException.class, () -> new SudokuTransform(movesBlank, false, id, id));
    }
}
