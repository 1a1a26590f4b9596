package dev.trm.task.sudoku;

import java.util.List;

/** Says whether an answer is a valid, complete grid that keeps every given of its question. */
public final class SudokuChecker {
    private SudokuChecker() {
    }

    public static boolean isSolution(SudokuGrid question, SudokuGrid answer) {
        return problem(question, answer) == null;
    }

    /** The first reason the answer is not a solution of the question, or {@code null} when it is. */
    public static String problem(SudokuGrid question, SudokuGrid answer) {
        for (int i = 0; i < SudokuGrid.CELLS; i++) {
            if (answer.get(i) == SudokuGrid.BLANK) {
                return "cell " + SudokuGrid.cellName(i) + " is blank";
            }
            if (question.get(i) != SudokuGrid.BLANK && question.get(i) != answer.get(i)) {
                return "cell " + SudokuGrid.cellName(i) + " is " + answer.get(i) + " but the given is " + question.get(i);
            }
        }
        List<String> conflicts = answer.conflicts();
        return conflicts.isEmpty() ? null : conflicts.get(0);
    }
}
