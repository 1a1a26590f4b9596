package dev.trm.train;

import dev.trm.data.ArcSet;
import dev.trm.data.PuzzleSet;
import dev.trm.task.TaskKind;
import dev.trm.task.arc.ArcTask;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A task's labelled file as training samples (ARC with the puzzle ids a run chose), and the rows a
 * checkpoint is evaluated on: what training, evaluation and export read.
 */
public final class TrainingSets {
    private TrainingSets() {
    }

    /**
     * Which ARC puzzle-embedding rows a run has: the variants per task, whether test pairs are trained
     * on, and the tasks kept (null: all). A checkpoint records all three, so its ids can be rebuilt.
     */
    public record ArcChoice(int variants, boolean trainOnTest, List<String> tasks) {
        /** No ARC choice (a Sudoku or Maze set). */
        public static final ArcChoice NONE = new ArcChoice(0, false, null);

        /** The choice a run recorded. */
        public static ArcChoice of(RunInfo info) {
            return new ArcChoice(info.arcVariants() == null ? 0 : info.arcVariants(), Boolean.TRUE.equals(info.arcTrainOnTest()),
                    info.arcTaskList());
        }

        Map<String, ArcTask> select(Map<String, ArcTask> all, Path file) {
            if (tasks == null) {
                return all;
            }
            Map<String, ArcTask> kept = new LinkedHashMap<>();
            for (String id : tasks) {
                ArcTask t = all.get(id);
                if (t == null) {
                    throw new IllegalArgumentException("--arc-tasks: " + file + " has no task '" + id + "'");
                }
                kept.put(id, t);
            }
            return kept;
        }
    }

    /** A training set of {@code task} from {@code file}; for ARC, {@code arc} and {@code seed} decide the puzzle ids. */
    public static PuzzleSamples samples(String task, Path file, boolean augment, long seed, ArcChoice arc) {
        TaskKind found = PuzzleSet.detectTask(file);
        if (!found.is(task)) {
            throw new IllegalArgumentException(file + " holds " + found + " puzzles but the model is for " + task);
        }
        switch (found) {
            case SUDOKU: return PuzzleSamples.sudoku(PuzzleSet.readSudoku(file), augment, seed);
            case MAZE: return PuzzleSamples.maze(PuzzleSet.readMaze(file), augment, seed);
            default: return PuzzleSamples.arc(arc.select(ArcSet.read(file), file), arc.variants(), augment, seed, arc.trainOnTest());
        }
    }

    /** The puzzles of a labelled Sudoku or Maze file as given (no augmentation), for evaluation and verification. */
    public static List<PuzzleSamples.Sample> originals(String task, Path file) {
        return samples(task, file, false, 0, ArcChoice.NONE).originals();
    }

    /** The rows to evaluate a checkpoint on: the puzzles of {@code file}, or for ARC its held-out test pairs. */
    public static List<PuzzleSamples.Sample> evaluationRows(Checkpoint c, Path file) {
        if (TaskKind.ARC.is(c.model().task())) {
            return samples(TaskKind.ARC.id(), file, false, c.train().seed(), ArcChoice.of(c.info())).heldOut();
        }
        return originals(c.model().task(), file);
    }
}
