package dev.trm.task.maze;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trm.task.Dihedral;
import dev.trm.task.PuzzleException;
import org.junit.jupiter.api.Test;

class MazeTest {
    @Test
    void referenceTokenIds() {
        MazeCodec codec = MazeCodec.INSTANCE;
        assertEquals(6, codec.vocabularySize());
        assertEquals(900, codec.sequenceLength());
        MazeGrid q = MazeFixtures.randomSolvableMaze(1);
        MazeGrid a = MazeSolver.solve(q);
        int[] tokens = codec.encode(a);
        for (int i = 0; i < tokens.length; i++) {
            int expected;
            switch (a.get(i)) {
                case '#': expected = 1; break;
                case ' ': expected = 2; break;
                case 'S': expected = 3; break;
                case 'G': expected = 4; break;
                default: expected = 5;
            }
            assertEquals(expected, tokens[i], "cell " + i);
        }
        assertEquals(a, codec.decode(tokens));
        tokens[0] = 0;
        assertThrows(PuzzleException.class, () -> codec.decode(tokens));
    }

    @Test
    void parseNamesWhatIsWrong() {
        MazeGrid q = MazeFixtures.randomSolvableMaze(2);
        String text = q.toText();
        assertTrue(assertThrows(PuzzleException.class, () -> MazeGrid.parse(text.substring(1))).getMessage().contains("got 899"));
        int open = text.indexOf(' ');
        String bad = text.substring(0, open) + "x" + text.substring(open + 1);
        assertTrue(assertThrows(PuzzleException.class, () -> MazeGrid.parse(bad)).getMessage().contains("is 'x'"));
        String noGoal = text.replace('G', ' ');
        assertTrue(assertThrows(PuzzleException.class, () -> MazeGrid.parse(noGoal)).getMessage().contains("0 G"));
    }

    @Test
    void solverPathIsAcceptedAndMutationsAreRejected() {
        for (long seed = 0; seed < 30; seed++) {
            MazeGrid q = MazeFixtures.randomSolvableMaze(seed);
            MazeGrid a = MazeSolver.solve(q);
            assertNull(MazeChecker.problem(q, a), "seed " + seed);
            assertEquals(MazeSolver.shortestDistance(q) - 1, a.count(MazeGrid.PATH));
            assertEquals(q, a.withoutPath());
            // one path cell removed: too short and disconnected
            String text = a.toText();
            int o = text.indexOf('o');
            MazeGrid shorter = MazeGrid.parse(text.substring(0, o) + " " + text.substring(o + 1));
            assertTrue(MazeChecker.problem(q, shorter).contains("shortest path has"), MazeChecker.problem(q, shorter));
        }
    }

    @Test
    void rightLengthButDisconnectedIsRejected() {
        MazeGrid q = MazeFixtures.randomSolvableMaze(3);
        MazeGrid a = MazeSolver.solve(q);
        String text = a.toText();
        int o = text.indexOf('o');
        // move one path cell to a far open cell
        int far = -1;
        for (int i = text.length() - 1; i >= 0; i--) {
            if (text.charAt(i) == ' ' && Math.abs(i - o) > 60) {
                far = i;
                break;
            }
        }
        char[] moved = text.toCharArray();
        moved[o] = ' ';
        moved[far] = 'o';
        String why = MazeChecker.problem(q, MazeGrid.parse(new String(moved)));
        assertTrue(why != null && why.contains("do not connect"), why);
    }

    @Test
    void changedWallsAreRejected() {
        MazeGrid q = MazeFixtures.randomSolvableMaze(4);
        char[] c = MazeSolver.solve(q).toText().toCharArray();
        int wall = q.toText().indexOf('#');
        c[wall] = 'o';
        assertTrue(MazeChecker.problem(q, MazeGrid.parse(new String(c))).contains("is '#' in the question"));
    }

    @Test
    void dihedralTransformsKeepShortestPaths() {
        for (long seed = 0; seed < 20; seed++) {
            MazeGrid q = MazeFixtures.randomSolvableMaze(seed);
            MazeGrid a = MazeSolver.solve(q);
            for (Dihedral t : Dihedral.values()) {
                MazeGrid tq = q.transform(t);
                MazeGrid ta = a.transform(t);
                assertNull(MazeChecker.problem(tq, ta), t + " seed " + seed);
                assertEquals(q, tq.transform(t.inverse()));
            }
        }
    }

    @Test
    void renderHasThirtyLines() {
        assertEquals(30, MazeFixtures.randomSolvableMaze(5).render().split("\n", -1).length - 1);
    }
}
