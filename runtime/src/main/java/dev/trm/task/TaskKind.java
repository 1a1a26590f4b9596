package dev.trm.task;

import dev.trm.task.arc.ArcCodec;
import dev.trm.task.maze.MazeCodec;
import dev.trm.task.sudoku.SudokuCodec;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The puzzle tasks the toolkit knows, and the one place their names live: each task's codec
 * supplies its name (as checkpoints and exported models write it), vocabulary, sequence length and
 * token layout to presets, export metadata, training data and the runtime.
 */
public enum TaskKind {
    SUDOKU(SudokuCodec.INSTANCE),
    MAZE(MazeCodec.INSTANCE),
    ARC(ArcCodec.INSTANCE);

    private final TokenCodec<?> codec;

    TaskKind(TokenCodec<?> codec) {
        this.codec = codec;
    }

    /** The task's name: {@code sudoku}, {@code maze}, {@code arc}. */
    public String id() {
        return codec.task();
    }

    public TokenCodec<?> codec() {
        return codec;
    }

    /** V. */
    public int vocabularySize() {
        return codec.vocabularySize();
    }

    /** S. */
    public int sequenceLength() {
        return codec.sequenceLength();
    }

    /** Whether {@code name} names this task. */
    public boolean is(String name) {
        return id().equals(name);
    }

    /** The task of a name; an unknown one is an error that lists the known ones. */
    public static TaskKind of(String name) {
        for (TaskKind k : values()) {
            if (k.is(name)) {
                return k;
            }
        }
        throw new IllegalArgumentException("unknown task '" + name + "' (" + names() + ")");
    }

    /** The known names, for messages: {@code sudoku, maze, arc}. */
    public static String names() {
        return Arrays.stream(values()).map(TaskKind::id).collect(Collectors.joining(", "));
    }

    @Override
    public String toString() {
        return id();
    }
}
