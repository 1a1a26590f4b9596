package dev.trm.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trm.task.sudoku.SudokuChecker;
import dev.trm.task.sudoku.SudokuGrid;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TestTimeComputeTest {
    static final String PUZZLE = RuntimeUnitTest.PUZZLE;
    static final String SOLUTION = RuntimeUnitTest.SOLUTION;

    @Test
    void everySudokuCopyMapsBackExactly() {
        PuzzleTask sudoku = PuzzleTasks.forName("sudoku");
        assertSame(Augmentation.IDENTITY, sudoku.augmentation(PUZZLE, 0, 7));
        Set<String> forms = new HashSet<>();
        for (int copy = 1; copy < 40; copy++) {
            Augmentation a = sudoku.augmentation(PUZZLE, copy, 7);
            String q = a.apply(PUZZLE);
            String answer = a.apply(SOLUTION);
            forms.add(q);
            assertTrue(SudokuChecker.isSolution(SudokuGrid.parse(q), SudokuGrid.parse(answer)), "copy " + copy + " is a Sudoku with "
                    + "the transformed answer");
            assertEquals(PUZZLE, a.restore(q), "copy " + copy);
            assertEquals(SOLUTION, a.restore(answer), "copy " + copy);
            assertEquals(q, sudoku.augmentation(PUZZLE, copy, 7).apply(PUZZLE), "the same seed and copy give the same form");
        }
        assertEquals(39, forms.size(), "copies are different forms");
        assertNotEquals(sudoku.augmentation(PUZZLE, 1, 7).apply(PUZZLE), sudoku.augmentation(PUZZLE, 1, 8).apply(PUZZLE));
    }

    @Test
    void everyMazeSymmetryMapsBackExactlyEvenForAnInvalidPrediction() {
        PuzzleTask maze = PuzzleTasks.forName("maze");
        Random rng = new Random(3);
        char[] cells = new char[900];
        for (int i = 0; i < cells.length; i++) {
            cells[i] = "# o?".charAt(rng.nextInt(4));
        }
        String text = new String(cells);
        Set<String> forms = new HashSet<>();
        for (int copy = 0; copy < maze.augmentationCount(text); copy++) {
            Augmentation a = maze.augmentation(text, copy, 0);
            forms.add(a.apply(text));
            assertEquals(text, a.restore(a.apply(text)), "symmetry " + copy);
        }
        assertEquals(8, forms.size());
    }

    @Test
    void effortsParseAndMustNotShrink() {
        assertEquals(Effort.adaptive().stages(), Effort.parse("1xN,4x2N,8x4N").stages());
        assertEquals(Effort.plain().stages(), Effort.parse("plain").stages());
        int[] budgets = Effort.parse("1x6,3x24").budgets(16);
        assertEquals(6, budgets[0]);
        assertEquals(24, budgets[1]);
        assertEquals(64, Effort.adaptive().budgets(16)[2]);
        assertThrows(IllegalArgumentException.class, () -> Effort.parse("4x2N,1xN").budgets(6));
        assertThrows(IllegalArgumentException.class, () -> Effort.parse("1x6,1x4").budgets(6));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Effort.parse("lots")).getMessage().contains("COPIESxSTEPS"));
        assertThrows(IllegalArgumentException.class, () -> Effort.parse("0x6"));
        assertThrows(IllegalArgumentException.class, () -> Effort.Stage.steps(1, 0));
    }

    @Test
    void effortsTooLargeToRunAreRefusedUpFrontInsteadOfOverflowingOrExhaustingMemory() {
        IllegalArgumentException copies = assertThrows(IllegalArgumentException.class, () -> Effort.parse("2147483647xN"));
        assertTrue(copies.getMessage().contains("more than the 1024 allowed"), copies.getMessage());
        // 100000000 x N_sup 32 overflowed an int into a budget of 1 step before
        IllegalArgumentException written = assertThrows(IllegalArgumentException.class, () -> Effort.parse("1x100000000N"));
        assertTrue(written.getMessage().contains("at most 1000000 steps per copy"), written.getMessage());
        IllegalArgumentException steps = assertThrows(IllegalArgumentException.class, () -> Effort.parse("1x1000000N").budgets(32));
        assertTrue(steps.getMessage().contains("32000000 steps per copy"), steps.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Effort.parse("1x1000001"));
        assertEquals(1_000_000, Effort.parse("1024x1000000").budgets(16)[0]);
    }

    @Test
    void theExactSolversOfTheTasks() {
        assertEquals(SOLUTION, PuzzleTasks.forName("sudoku").solveExactly(PUZZLE));
    }
}
