package dev.trm.task.sudoku;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trm.task.PuzzleException;
import java.util.List;
import org.junit.jupiter.api.Test;

class SudokuGridTest {
    static final String PUZZLE = "98.7..6..5..8.......7.9..857...4...9.9.5.34....4....2.1..3......7..8...1......26.";
    static final String SOLUTION = "981725634546831792237694185765248319892513476314967528129356847673482951458179263";

    @Test
    void parsesDotsAndZerosAsBlanks() {
        SudokuGrid dots = SudokuGrid.parse(PUZZLE);
        SudokuGrid zeros = SudokuGrid.parse(PUZZLE.replace('.', '0'));
        assertEquals(dots, zeros);
        assertEquals(dots.hashCode(), zeros.hashCode());
        assertEquals(9, dots.get(0));
        assertEquals(SudokuGrid.BLANK, dots.get(2));
        assertEquals(26, dots.filled());
        assertEquals(PUZZLE, dots.toLine());
        assertFalse(dots.isComplete());
        assertTrue(SudokuGrid.parse(SOLUTION).isComplete());
    }

    @Test
    void wrongLengthIsNamed() {
        PuzzleException e = assertThrows(PuzzleException.class, () -> SudokuGrid.parse(PUZZLE.substring(1)));
        assertTrue(e.getMessage().contains("81 cells, got 80"), e.getMessage());
    }

    @Test
    void badCharacterIsNamedWithItsCell() {
        String bad = PUZZLE.substring(0, 10) + "x" + PUZZLE.substring(11);
        PuzzleException e = assertThrows(PuzzleException.class, () -> SudokuGrid.parse(bad));
        assertTrue(e.getMessage().contains("character 11 (r2c2) is 'x'"), e.getMessage());
    }

    @Test
    void conflictsNameUnitAndCells() {
        SudokuGrid g = SudokuGrid.parse("55" + ".".repeat(79));
        List<String> c = g.conflicts();
        assertEquals(List.of("row 1 has two 5s (r1c1, r1c2)", "box 1 has two 5s (r1c1, r1c2)"), c);
        PuzzleException e = assertThrows(PuzzleException.class, g::requireConsistent);
        assertTrue(e.getMessage().startsWith("contradictory givens: row 1 has two 5s"), e.getMessage());
        assertTrue(SudokuGrid.parse(SOLUTION).conflicts().isEmpty());
        SudokuGrid col = SudokuGrid.parse("3" + ".".repeat(8) + "3" + ".".repeat(71));
        assertTrue(col.conflicts().get(0).startsWith("column 1 has two 3s (r1c1, r2c1)"), col.conflicts().toString());
    }

    @Test
    void rendersBoxes() {
        String r = SudokuGrid.parse(SOLUTION).render();
        String[] lines = r.split("\n");
        assertEquals(11, lines.length);
        assertEquals("9 8 1 | 7 2 5 | 6 3 4", lines[0]);
        assertEquals("------+-------+------", lines[3]);
    }

    @Test
    void withReplacesOneCell() {
        SudokuGrid g = SudokuGrid.parse(PUZZLE);
        SudokuGrid h = g.with(2, 1);
        assertEquals(1, h.get(2));
        assertNotEquals(g, h);
        assertEquals(SudokuGrid.BLANK, g.get(2));
    }
}
