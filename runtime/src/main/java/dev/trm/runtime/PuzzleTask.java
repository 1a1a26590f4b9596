package dev.trm.runtime;

import dev.trm.task.PuzzleException;
import dev.trm.task.maze.MazeChecker;
import dev.trm.task.maze.MazeCodec;
import dev.trm.task.maze.MazeGrid;
import dev.trm.task.sudoku.SudokuChecker;
import dev.trm.task.sudoku.SudokuCodec;
import dev.trm.task.sudoku.SudokuGrid;

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
        public String render(String answer) {
            StringBuilder sb = new StringBuilder();
            for (int r = 0; r < MazeGrid.SIDE; r++) {
                sb.append(answer, r * MazeGrid.SIDE, (r + 1) * MazeGrid.SIDE).append('\n');
            }
            return sb.toString();
        }
    }
}
