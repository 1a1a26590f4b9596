package dev.trm.runtime;

import dev.trm.task.PuzzleException;
import dev.trm.task.TaskKind;
import dev.trm.task.sudoku.SudokuChecker;
import dev.trm.task.sudoku.SudokuCodec;
import dev.trm.task.sudoku.SudokuGrid;
import dev.trm.task.sudoku.SudokuSolver;
import dev.trm.task.sudoku.SudokuTransform;
import java.util.Random;

/** Sudoku 9x9 in the runtime: 81-character puzzles, the reference transforms as copies, the exact solver. */
final class SudokuPuzzleTask extends PuzzleTask {
    @Override
    public String name() {
        return TaskKind.SUDOKU.id();
    }

    @Override
    public int sequenceLength() {
        return SudokuGrid.CELLS;
    }

    @Override
    public int[] encode(String puzzle) {
        return SudokuCodec.INSTANCE.encode(given(puzzle));
    }

    /** The puzzle parsed once: its checker keeps the parsed grid for every answer it is asked about. */
    @Override
    public Question parse(String puzzle) {
        SudokuGrid given = given(puzzle);
        return new Question(puzzle, SudokuCodec.INSTANCE.encode(given), answer -> SudokuChecker.isSolution(given, SudokuGrid.parse(answer)));
    }

    private static SudokuGrid given(String puzzle) {
        try {
            return SudokuGrid.parse(puzzle).requireConsistent();
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
    public int augmentationCount(String puzzle) {
        return Integer.MAX_VALUE; // 9! x 2 x 6^8 transforms
    }

    @Override
    public String solveExactly(String puzzle) {
        SudokuGrid answer = SudokuSolver.solve(SudokuGrid.parse(puzzle));
        return answer == null ? null : answer.toLine();
    }
}
