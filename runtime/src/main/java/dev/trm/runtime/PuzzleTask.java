package dev.trm.runtime;

import dev.trm.task.Dihedral;
import dev.trm.task.PuzzleException;
import dev.trm.task.maze.MazeChecker;
import dev.trm.task.maze.MazeCodec;
import dev.trm.task.maze.MazeGrid;
import dev.trm.task.maze.MazeSolver;
import dev.trm.task.sudoku.SudokuChecker;
import dev.trm.task.sudoku.SudokuCodec;
import dev.trm.task.sudoku.SudokuGrid;
import dev.trm.task.sudoku.SudokuSolver;
import dev.trm.task.sudoku.SudokuTransform;
import java.util.Random;

/** A task as the runtime sees it: puzzle text in, tokens to the model, answer text out, and a checker. */
public abstract class PuzzleTask {
    /** The task named in a model's metadata. */
    public static PuzzleTask forName(String task) {
        switch (task) {
            case "sudoku": return new Sudoku();
            case "maze": return new Maze();
            default: throw new ModelLoadException("task '" + task + "' is not supported by this runtime (sudoku, maze)");
        }
    }

    public abstract String name();

    public abstract int sequenceLength();

    /** Tokens of a puzzle; a bad puzzle is an {@link InvalidPuzzleException}. */
    public abstract int[] encode(String puzzle);

    /** The answer text of predicted tokens. */
    public abstract String decode(int[] tokens);

    /** Whether an answer is a correct solution of the puzzle (a valid Sudoku keeping the givens; a shortest maze path). */
    public abstract boolean isSolution(String puzzle, String answer);

    /** The answer drawn for people. */
    public abstract String render(String answer);

    /**
     * The augmentation of copy {@code copy} (copy 0 is the puzzle as given), drawn from the seed, the
     * copy number and the puzzle's text only, so a puzzle gets the same copies in any batch.
     */
    public abstract Augmentation augmentation(String puzzle, int copy, long seed);

    /** How many distinct augmentations the task has (copies beyond it repeat one). */
    public abstract int distinctAugmentations();

    /** The answer of the task's exact solver, or null when it has none or the puzzle has no solution. */
    public abstract String solveExactly(String puzzle);

    /** A seed for copy {@code copy} of a puzzle (SplitMix64 finaliser over the three). */
    static long copySeed(long seed, int copy, String puzzle) {
        long z = seed * 0x9E3779B97F4A7C15L + copy * 0xBF58476D1CE4E5B9L + puzzle.hashCode() * 0x94D049BB133111EBL;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    static final class Sudoku extends PuzzleTask {
        @Override
        public String name() {
            return "sudoku";
        }

        @Override
        public int sequenceLength() {
            return SudokuGrid.CELLS;
        }

        @Override
        public int[] encode(String puzzle) {
            try {
                return SudokuCodec.INSTANCE.encode(SudokuGrid.parse(puzzle).requireConsistent());
            } catch (PuzzleException e) {
                throw new InvalidPuzzleException("sudoku: " + e.getMessage(), e);
            }
        }

        @Override
        public String decode(int[] tokens) {
            return SudokuCodec.INSTANCE.decode(tokens).toLine();
        }

        @Override
        public boolean isSolution(String puzzle, String answer) {
            return SudokuChecker.isSolution(SudokuGrid.parse(puzzle), SudokuGrid.parse(answer));
        }

        @Override
        public String render(String answer) {
            return SudokuGrid.parse(answer).render();
        }

        @Override
        public Augmentation augmentation(String puzzle, int copy, long seed) {
            if (copy == 0) {
                return Augmentation.IDENTITY;
            }
            SudokuTransform t = SudokuTransform.random(new Random(copySeed(seed, copy, puzzle)));
            SudokuTransform back = t.inverse();
            return new Augmentation() {
                @Override
                public String apply(String p) {
                    return t.apply(SudokuGrid.parse(p)).toLine();
                }

                @Override
                public String restore(String answer) {
                    return back.apply(SudokuGrid.parse(answer)).toLine();
                }

                @Override
                public String toString() {
                    return t.toString();
                }
            };
        }

        @Override
        public int distinctAugmentations() {
            return Integer.MAX_VALUE; // 9! x 2 x 6^8 transforms
        }

        @Override
        public String solveExactly(String puzzle) {
            SudokuGrid answer = SudokuSolver.solve(SudokuGrid.parse(puzzle));
            return answer == null ? null : answer.toLine();
        }
    }

    static final class Maze extends PuzzleTask {
        @Override
        public String name() {
            return "maze";
        }

        @Override
        public int sequenceLength() {
            return MazeGrid.CELLS;
        }

        @Override
        public int[] encode(String puzzle) {
            try {
                MazeGrid g = MazeGrid.parse(puzzle);
                if (g.count(MazeGrid.PATH) > 0) {
                    throw new InvalidPuzzleException("maze: the puzzle already contains path cells 'o'");
                }
                return MazeCodec.INSTANCE.encode(g);
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
                return MazeChecker.isSolution(MazeGrid.parse(puzzle), MazeGrid.parse(answer));
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
        public int distinctAugmentations() {
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
}
