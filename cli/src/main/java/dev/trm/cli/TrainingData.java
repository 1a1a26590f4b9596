package dev.trm.cli;

import ai.djl.Device;
import ai.djl.engine.Engine;
import dev.trm.data.ArcSet;
import dev.trm.data.PuzzleSet;
import dev.trm.task.arc.ArcTask;
import dev.trm.train.Checkpoint;
import dev.trm.train.PuzzleSamples;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the commands that train, evaluate and export read: a task's labelled file as samples (ARC with
 * the puzzle ids a run chose), the rows a checkpoint is evaluated on, and the DJL device.
 */
final class TrainingData {
    static final String ARC = "arc";
    /** Checkpoint info key: the ARC variants per task, which fix the puzzle ids. */
    static final String ARC_VARIANTS = "arc_variants";
    /** Checkpoint info key: whether ARC test pairs were trained on (a memorisation check). */
    static final String ARC_TRAIN_ON_TEST = "arc_train_on_test";
    /** Checkpoint info key: the ARC tasks kept (comma-separated), when not all. */
    static final String ARC_TASKS = "arc_tasks";

    private TrainingData() {
    }

    /**
     * Which ARC puzzle-embedding rows a run has: the variants per task, whether test pairs are trained
     * on, and the tasks kept (null: all). A checkpoint records all three, so its ids can be rebuilt.
     */
    record ArcChoice(int variants, boolean trainOnTest, List<String> tasks) {
        static ArcChoice of(Checkpoint c) {
            String v = c.info().get(ARC_VARIANTS);
            String t = c.info().get(ARC_TASKS);
            return new ArcChoice(v == null ? 0 : Integer.parseInt(v), Boolean.parseBoolean(c.info().getOrDefault(ARC_TRAIN_ON_TEST,
                    "false")), t == null ? null : List.of(t.split(",")));
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

    /** A training set; for ARC, {@code arcVariants} and {@code seed} decide the puzzle ids. */
    static PuzzleSamples samples(String task, Path file, boolean augment, long seed, int arcVariants) {
        return samples(task, file, augment, seed, new ArcChoice(arcVariants, false, null));
    }

    static PuzzleSamples samples(String task, Path file, boolean augment, long seed, ArcChoice arc) {
        String found = PuzzleSet.detectTask(file);
        if (!found.equals(task)) {
            throw new IllegalArgumentException(file + " holds " + found + " puzzles but the model is for " + task);
        }
        switch (task) {
            case "sudoku": return PuzzleSamples.sudoku(PuzzleSet.readSudoku(file), augment, seed);
            case "maze": return PuzzleSamples.maze(PuzzleSet.readMaze(file), augment, seed);
            case ARC: return PuzzleSamples.arc(arc.select(ArcSet.read(file), file), arc.variants(), augment, seed, arc.trainOnTest());
            default: throw new IllegalArgumentException("training on task '" + task + "' is not supported (sudoku, maze, arc)");
        }
    }

    /** The rows to evaluate a checkpoint on: the puzzles of {@code file}, or for ARC its held-out test pairs. */
    static List<PuzzleSamples.Sample> evaluationRows(Checkpoint c, Path file) {
        if (c.model().task().equals(ARC)) {
            return samples(ARC, file, false, c.train().seed(), ArcChoice.of(c)).heldOut();
        }
        return samples(c.model().task(), file, false, 0, 0).originals();
    }

    /** The DJL device for a --device value; a GPU that is not there is a clear error. */
    static Device device(String name) {
        switch (name) {
            case "cpu":
                return Device.cpu();
            case "gpu": {
                int gpus = Engine.getInstance().getGpuCount();
                if (gpus == 0) {
                    throw new IllegalArgumentException("--device gpu: no CUDA GPU is visible to PyTorch "
                            + Engine.getInstance().getVersion() + " with the natives on the classpath (this build has the "
                            + "CPU natives unless it was built with `mvn -Pcuda`, and a CUDA 12 driver is needed)");
                }
                return Device.gpu();
            }
            default:
                throw new IllegalArgumentException("--device: expected cpu or gpu, got '" + name + "'");
        }
    }
}
