package dev.trm.data;

import dev.trm.task.Dihedral;
import dev.trm.task.Permutations;
import dev.trm.task.arc.ArcAugmentation;
import dev.trm.task.arc.ArcTask;
import dev.trm.task.maze.MazeGrid;
import dev.trm.task.sudoku.SudokuGrid;
import dev.trm.task.sudoku.SudokuTransform;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Writes the reference augmentations out as data sets: each original followed by its seeded
 * variants. The same seed gives the same file.
 */
public final class AugmentedSet {
    /** Distinct non-identity symmetries of a square maze. */
    public static final int MAZE_MAX_COPIES = Dihedral.values().length - 1;
    /** Draws allowed per wanted ARC variant before giving up on finding distinct ones. */
    public static final int ARC_ATTEMPTS_PER_VARIANT = 5;

    private AugmentedSet() {
    }

    public static List<Example<SudokuGrid>> sudoku(List<Example<SudokuGrid>> set, int copies, long seed) {
        requireCopies(copies);
        Random rng = new Random(seed);
        List<Example<SudokuGrid>> out = new ArrayList<>();
        for (Example<SudokuGrid> e : set) {
            out.add(e);
            for (int k = 1; k <= copies; k++) {
                SudokuTransform t = SudokuTransform.random(rng);
                out.add(new Example<>(0, variantSource(e.source(), k), t.apply(e.question()), t.apply(e.answer()), e.rating()));
            }
        }
        return out;
    }

    /** Each maze followed by {@code copies} of its 7 other symmetries, in a seeded random order. */
    public static List<Example<MazeGrid>> maze(List<Example<MazeGrid>> set, int copies, long seed) {
        requireCopies(copies);
        if (copies > MAZE_MAX_COPIES) {
            throw new IllegalArgumentException("a maze has " + MAZE_MAX_COPIES + " other symmetries, asked for " + copies);
        }
        Random rng = new Random(seed);
        List<Example<MazeGrid>> out = new ArrayList<>();
        for (Example<MazeGrid> e : set) {
            out.add(e);
            int[] order = Permutations.random(MAZE_MAX_COPIES, rng);
            for (int k = 0; k < copies; k++) {
                Dihedral t = Dihedral.of(order[k] + 1);
                out.add(new Example<>(0, variantSource(e.source(), t.id()), e.question().transform(t),
                        e.answer().transform(t), e.rating()));
            }
        }
        return out;
    }

    /**
     * Each task followed by up to {@code copies} distinct variants (dihedral + colour permutation),
     * named {@code id|||t<k>|||<colours>}. Variants identical to an earlier one are rejected, as in
     * the reference builder.
     */
    public static Map<String, ArcTask> arc(Map<String, ArcTask> tasks, int copies, long seed) {
        requireCopies(copies);
        Random rng = new Random(seed);
        Map<String, ArcTask> out = new LinkedHashMap<>();
        for (ArcTask task : tasks.values()) {
            out.put(task.id(), task);
            Set<ArcTask> seen = new HashSet<>();
            seen.add(new ArcTask("", task.train(), task.test()));
            int made = 0;
            for (int attempt = 0; attempt < copies * ARC_ATTEMPTS_PER_VARIANT && made < copies; attempt++) {
                ArcAugmentation aug = ArcAugmentation.random(rng);
                ArcTask variant = aug.apply(task);
                if (seen.add(new ArcTask("", variant.train(), variant.test()))) {
                    out.put(variant.id(), variant);
                    made++;
                }
            }
        }
        return out;
    }

    private static String variantSource(String source, int k) {
        return (source.isEmpty() ? "aug" : source) + "|||" + k;
    }

    private static void requireCopies(int copies) {
        if (copies < 0) {
            throw new IllegalArgumentException("copies must be >= 0, got " + copies);
        }
    }
}
