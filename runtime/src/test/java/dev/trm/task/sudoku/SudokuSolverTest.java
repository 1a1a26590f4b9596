package dev.trm.task.sudoku;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trm.task.PuzzleException;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SudokuSolverTest {
    @Test
    void solvesAHardPuzzleUniquely() {
        SudokuSolver.Result r = SudokuSolver.solve(SudokuGrid.parse(SudokuGridTest.PUZZLE), 2);
        assertEquals(SudokuGrid.parse(SudokuGridTest.SOLUTION), r.firstSolution());
        assertEquals(1, r.solutions());
        assertTrue(r.isUnique());
    }

    @Test
    void solvesTheHardest17CluePuzzle() {
        SudokuGrid q = SudokuGrid.parse(".................1.....2.3......3.2...1.4......5....6..3......4.7..8...962...7...");
        SudokuGrid a = SudokuSolver.solve(q);
        assertEquals("953168742862734951417952836746893125281645397395271468138529674574386219629417583", a.toLine());
        assertTrue(SudokuChecker.isSolution(q, a));
    }

    @Test
    void countsSolutionsUpToTheLimit() {
        SudokuGrid empty = SudokuGrid.of(new int[81]);
        assertEquals(5, SudokuSolver.solve(empty, 5).solutions());
        // Blank two cells of a solution that can swap: rows 1 and 2 differ at c1/c2 by 9/5 and 5/4...
        // instead blank a whole row of a solution: exactly one way to refill it.
        SudokuGrid solution = SudokuGrid.parse(SudokuGridTest.SOLUTION);
        int[] v = solution.values();
        for (int c = 0; c < 9; c++) {
            v[c] = 0;
        }
        assertEquals(1, SudokuSolver.solve(SudokuGrid.of(v), 10).solutions());
    }

    @Test
    void detectsAnUnsolvablePuzzle() {
        // consistent givens, but r1c9 has no candidate: row 1 holds 1-8, column 9 holds 9
        SudokuGrid q = SudokuGrid.parse("12345678." + "........9" + ".".repeat(63));
        SudokuSolver.Result r = SudokuSolver.solve(q, 2);
        assertEquals(0, r.solutions());
        assertNull(r.firstSolution());
        assertTrue(r.deadEnds() > 0);
    }

    @Test
    void contradictoryGivensAreAnErrorNotACrash() {
        PuzzleException e = assertThrows(PuzzleException.class,
                () -> SudokuSolver.solve(SudokuGrid.parse("11" + ".".repeat(79)), 2));
        assertTrue(e.getMessage().contains("row 1 has two 1s"), e.getMessage());
    }

    @Test
    void randomSolveIsSeededAndValid() {
        SudokuGrid empty = SudokuGrid.of(new int[81]);
        SudokuGrid a = SudokuSolver.solveRandomly(empty, 1, new Random(7)).firstSolution();
        SudokuGrid b = SudokuSolver.solveRandomly(empty, 1, new Random(7)).firstSolution();
        SudokuGrid c = SudokuSolver.solveRandomly(empty, 1, new Random(8)).firstSolution();
        assertEquals(a, b);
        assertTrue(!a.equals(c));
        assertTrue(SudokuChecker.isSolution(empty, a));
    }

    @Test
    void checkerExplainsWhatIsWrong() {
        SudokuGrid q = SudokuGrid.parse(SudokuGridTest.PUZZLE);
        SudokuGrid a = SudokuGrid.parse(SudokuGridTest.SOLUTION);
        assertNull(SudokuChecker.problem(q, a));
        assertEquals("cell r1c3 is blank", SudokuChecker.problem(q, q));
        SudokuGrid wrongGiven = a.with(0, 8).with(1, 9);
        assertEquals("cell r1c1 is 8 but the given is 9", SudokuChecker.problem(q, wrongGiven));
        SudokuGrid free = SudokuGrid.of(new int[81]);
        SudokuGrid dup = a.with(2, 9);
        assertTrue(SudokuChecker.problem(free, dup).contains("two 9s"), SudokuChecker.problem(free, dup));
    }
}
