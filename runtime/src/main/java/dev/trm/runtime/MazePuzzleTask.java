package dev.trm.runtime;

import dev.trm.task.Dihedral;
import dev.trm.task.PuzzleException;
import dev.trm.task.TaskKind;
import dev.trm.task.maze.MazeChecker;
import dev.trm.task.maze.MazeCodec;
import dev.trm.task.maze.MazeGrid;
import dev.trm.task.maze.MazeSolver;

/** Maze 30x30 in the runtime: 900-character mazes, the grid's eight symmetries as copies, BFS as the exact solver. */
final class MazePuzzleTask extends PuzzleTask {
    @Override
    public String name() {
        return TaskKind.MAZE.id();
    }

    @Override
    public int sequenceLength() {
        return MazeGrid.CELLS;
    }

    @Override
    public int[] encode(String puzzle) {
        return MazeCodec.INSTANCE.encode(given(puzzle));
    }

    /** The maze parsed once: its checker keeps the parsed grid for every answer it is asked about. */
    @Override
    public Question parse(String puzzle) {
        MazeGrid given = given(puzzle);
        return new Question(puzzle, MazeCodec.INSTANCE.encode(given), answer -> isSolution(given, answer));
    }

    private static MazeGrid given(String puzzle) {
        try {
            MazeGrid g = MazeGrid.parse(puzzle);
            if (g.count(MazeGrid.PATH) > 0) {
                throw new InvalidPuzzleException("maze: the puzzle already contains path cells 'o'");
            }
            return g;
        } catch (PuzzleException e) {
            throw new InvalidPuzzleException("maze: " + e.getMessage(), e);
        }
    }

    @Override
    public String decode(int[] tokens) {
        char[] cells = new char[tokens.length];
        for (int i = 0; i < tokens.length; i++) {
            int t = tokens[i];
            cells[i] = t >= 1 && t <= MazeGrid.CHARSET.length() ? MazeGrid.CHARSET.charAt(t - 1) : '?';
        }
        return new String(cells);
    }

    @Override
    public boolean isSolution(String puzzle, String answer) {
        try {
            return isSolution(MazeGrid.parse(puzzle), answer);
        } catch (PuzzleException e) {
            return false;
        }
    }

    private static boolean isSolution(MazeGrid puzzle, String answer) {
        try {
            return MazeChecker.isSolution(puzzle, MazeGrid.parse(answer));
        } catch (PuzzleException e) {
            return false; // a prediction that is not even a maze (two S, a PAD cell) is no solution
        }
    }

    @Override
    public Augmentation augmentation(String puzzle, int copy, long seed) {
        Dihedral t = Dihedral.of(copy % Dihedral.values().length);
        if (t == Dihedral.IDENTITY) {
            return Augmentation.IDENTITY;
        }
        return new Augmentation() {
            @Override
            public String apply(String p) {
                return transform(p, t);
            }

            @Override
            public String restore(String answer) {
                return transform(answer, t.inverse());
            }

            @Override
            public String toString() {
                return t.name();
            }
        };
    }

    /** A 30x30 text under a symmetry, character by character (predictions need not be valid mazes). */
    private static String transform(String text, Dihedral t) {
        int[][] grid = new int[MazeGrid.SIDE][MazeGrid.SIDE];
        for (int i = 0; i < MazeGrid.CELLS; i++) {
            grid[i / MazeGrid.SIDE][i % MazeGrid.SIDE] = text.charAt(i);
        }
        int[][] out = t.apply(grid);
        char[] flat = new char[MazeGrid.CELLS];
        for (int i = 0; i < MazeGrid.CELLS; i++) {
            flat[i] = (char) out[i / MazeGrid.SIDE][i % MazeGrid.SIDE];
        }
        return new String(flat);
    }

    @Override
    public int augmentationCount(String puzzle) {
        return Dihedral.values().length;
    }

    @Override
    public String solveExactly(String puzzle) {
        MazeGrid answer = MazeSolver.solve(MazeGrid.parse(puzzle));
        return answer == null ? null : answer.toText();
    }

    @Override
    public String render(String answer) {
        StringBuilder sb = new StringBuilder();
        for (int r = 0; r < MazeGrid.SIDE; r++) {
            sb.append(answer, r * MazeGrid.SIDE, (r + 1) * MazeGrid.SIDE).append('\n');
        }
        return sb.toString();
    }
}
