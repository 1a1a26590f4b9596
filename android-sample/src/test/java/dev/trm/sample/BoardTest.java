package dev.trm.sample;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class BoardTest {
    private static final String EASY = Examples.ALL.get(0).puzzle();

    @Test
    void readsTheOneLineFormAndADrawnGrid() {
        assertEquals(EASY, Board.parse(EASY).puzzle());
        StringBuilder drawn = new StringBuilder();
        for (int r = 0; r < 9; r++) {
            if (r % 3 == 0 && r > 0) {
                drawn.append("------+-------+------\n");
            }
            for (int c = 0; c < 9; c++) {
                drawn.append(c % 3 == 0 && c > 0 ? "| " : "").append(EASY.charAt(r * 9 + c) == '.' ? '0' : EASY.charAt(r * 9 + c)).append(' ');
            }
            drawn.append('\n');
        }
        Board b = Board.parse(drawn.toString());
        assertEquals(EASY, b.puzzle());
        assertEquals(81 - 37, b.givens());
    }

    @Test
    void badTextSaysWhatAndWhere() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Board.parse("12x" + EASY.substring(3)));
        assertTrue(e.getMessage().contains("character 3 is 'x'"), e.getMessage());
        IllegalArgumentException framed = assertThrows(IllegalArgumentException.class, () -> Board.parse("| 1 2 x" + EASY.substring(3)));
        assertTrue(framed.getMessage().contains("character 7 is 'x'"), "the place in the text as pasted: " + framed.getMessage());
        assertTrue(Board.parse(EASY).puzzle().length() == 81);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Board.parse(EASY.substring(1))).getMessage().contains("got 80"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Board.parse(EASY + "1")).getMessage().contains("got 82"));
        assertThrows(IllegalArgumentException.class, () -> new Board().set(81, 1));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new Board().set(3, 10)).getMessage().contains("r1c4"));
    }

    @Test
    void problemNamesWhyAPuzzleCannotBeSolved() {
        assertTrue(new Board().problem().contains("empty"));
        assertNull(Board.parse(EASY).problem());
        Board clash = Board.parse(EASY);
        clash.set(1, 2); // r1c1 is already 2
        assertEquals("Contradictory givens: row 1 has two 2s (r1c1, r1c2).", clash.problem());
        // no two givens clash, yet r1c9 has no digit left: 1-8 in its row, 9 in its column
        Board stuck = Board.parse("12345678." + "........9" + ".".repeat(63));
        assertEquals("These givens allow no solution.", stuck.problem());
        stuck.clear();
        assertEquals(0, stuck.givens());
    }
}
