package dev.trm.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trm.task.sudoku.SudokuGrid;
import dev.trm.task.sudoku.SudokuSolver;
import org.junit.jupiter.api.Test;

class SudokuGeneratorTest {
    @Test
    void givensInRangeUniqueAndSolved() {
        SudokuGenerator gen = new SudokuGenerator(42);
        for (int i = 0; i < 30; i++) {
            SudokuGenerator.Puzzle p = gen.next(SudokuGenerator.Difficulty.givens(40, 45));
            int givens = p.question().filled();
            assertTrue(givens >= 40 && givens <= 45, "givens " + givens);
            SudokuSolver.Result r = SudokuSolver.solve(p.question(), 2);
            assertTrue(r.isUnique());
            assertEquals(p.answer(), r.firstSolution());
            assertEquals(r.deadEnds(), p.rating());
        }
    }

    @Test
    void sameSeedSamePuzzles() {
        SudokuGenerator a = new SudokuGenerator(3);
        SudokuGenerator b = new SudokuGenerator(3);
        for (int i = 0; i < 5; i++) {
            assertEquals(a.next(SudokuGenerator.Difficulty.givens(25, 30)), b.next(SudokuGenerator.Difficulty.givens(25, 30)));
        }
    }

    @Test
    void ratingRangeIsHonoured() {
        SudokuGenerator gen = new SudokuGenerator(5);
        SudokuGenerator.Difficulty hard = new SudokuGenerator.Difficulty(24, 26, 1, Long.MAX_VALUE);
        for (int i = 0; i < 3; i++) {
            assertTrue(gen.next(hard).rating() >= 1);
        }
        SudokuGenerator.Difficulty easy = new SudokuGenerator.Difficulty(45, 50, 0, 0);
        for (int i = 0; i < 3; i++) {
            assertEquals(0, gen.next(easy).rating());
        }
    }

    @Test
    void impossibleDifficultyIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> SudokuGenerator.Difficulty.givens(10, 20));
        IllegalArgumentException unreachable = assertThrows(IllegalArgumentException.class, () -> SudokuGenerator.Difficulty.givens(17, 20));
        assertTrue(unreachable.getMessage().contains("at least 22"), unreachable.getMessage());
        assertTrue(new SudokuGenerator(3).next(SudokuGenerator.Difficulty.givens(17, 22)).question().filled() <= 22,
                "a range reaching the fewest generated givens is served");
        assertThrows(IllegalArgumentException.class, () -> SudokuGenerator.Difficulty.givens(50, 40));
        assertThrows(IllegalArgumentException.class, () -> new SudokuGenerator.Difficulty(30, 30, 5, 2));
    }
}
