package dev.trm.runtime;

import dev.trm.task.TaskKind;
import java.util.Arrays;
import java.util.Collections;

/** The runtime's side of the {@link TaskKind} registry: the {@link PuzzleTask} of a task's name or of a loaded model. */
public final class PuzzleTasks {
    private PuzzleTasks() {
    }

    /** A task by name, for tasks that need nothing from a model (Sudoku, Maze). */
    public static PuzzleTask forName(String task) {
        TaskKind kind;
        try {
            kind = TaskKind.of(task);
        } catch (IllegalArgumentException e) {
            throw new ModelLoadException(e.getMessage() + ": not supported by this runtime", e);
        }
        switch (kind) {
            case SUDOKU: return new SudokuPuzzleTask();
            case MAZE: return new MazePuzzleTask();
            default: throw new ModelLoadException("an ARC task comes from its model's puzzle identifiers, not a name");
        }
    }

    /** The task of a loaded model (ARC reads the model's puzzle identifiers). */
    static PuzzleTask of(ModelInfo info) {
        if (TaskKind.ARC.is(info.task())) {
            String ids = info.metadata().get(StepContract.PUZZLE_IDENTIFIERS);
            return new ArcPuzzleTask(ids == null ? Collections.emptyList() : Arrays.asList(ids.split("\n", -1)));
        }
        return forName(info.task());
    }
}
