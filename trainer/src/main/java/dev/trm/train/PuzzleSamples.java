package dev.trm.train;

import dev.trm.data.Example;
import dev.trm.task.Dihedral;
import dev.trm.task.Permutations;
import dev.trm.task.maze.MazeCodec;
import dev.trm.task.maze.MazeGrid;
import dev.trm.task.sudoku.SudokuCodec;
import dev.trm.task.sudoku.SudokuGrid;
import dev.trm.task.sudoku.SudokuTransform;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * A task's labelled puzzles as token sequences, with the task's reference augmentation drawn on
 * the fly. Training reads an endless stream addressed by position: epoch {@code pos / size} visits
 * every puzzle once in a seeded order, each as a fresh seeded variant. A position therefore fixes
 * the sample exactly, which makes resuming exact.
 */
public final class PuzzleSamples {
    /** One training or evaluation row. {@code blank[i]} marks cells the puzzle leaves open. */
    public record Sample(int[] tokens, int[] labels, int puzzleId, boolean[] blank) {
    }

    /** Draws one augmented variant of a sample. */
    interface Augmentation {
        Sample apply(Sample s, Random rng);
    }

    private final String task;
    private final List<Sample> samples;
    private final Augmentation augmentation;
    private final long seed;
    private long cachedEpoch = -1;
    private int[] cachedOrder;

    private PuzzleSamples(String task, List<Sample> samples, Augmentation augmentation, long seed) {
        if (samples.isEmpty()) {
            throw new IllegalArgumentException("a data set needs at least one puzzle");
        }
        this.task = task;
        this.samples = Collections.unmodifiableList(samples);
        this.augmentation = augmentation;
        this.seed = seed;
    }

    public static PuzzleSamples sudoku(List<Example<SudokuGrid>> set, boolean augment, long seed) {
        List<Sample> out = new ArrayList<>();
        for (Example<SudokuGrid> e : set) {
            out.add(sudokuSample(e.question(), e.answer()));
        }
        Augmentation aug = augment ? (s, rng) -> {
            SudokuTransform t = SudokuTransform.random(rng);
            SudokuGrid q = SudokuCodec.INSTANCE.decode(s.tokens());
            SudokuGrid a = SudokuCodec.INSTANCE.decode(s.labels());
            return sudokuSample(t.apply(q), t.apply(a));
        } : null;
        return new PuzzleSamples("sudoku", out, aug, seed);
    }

    private static Sample sudokuSample(SudokuGrid q, SudokuGrid a) {
        boolean[] blank = new boolean[SudokuGrid.CELLS];
        for (int i = 0; i < blank.length; i++) {
            blank[i] = q.get(i) == SudokuGrid.BLANK;
        }
        return new Sample(SudokuCodec.INSTANCE.encode(q), SudokuCodec.INSTANCE.encode(a), 0, blank);
    }

    public static PuzzleSamples maze(List<Example<MazeGrid>> set, boolean augment, long seed) {
        List<Sample> out = new ArrayList<>();
        for (Example<MazeGrid> e : set) {
            out.add(mazeSample(e.question(), e.answer()));
        }
        Augmentation aug = augment ? (s, rng) -> {
            Dihedral t = Dihedral.of(rng.nextInt(Dihedral.values().length));
            MazeGrid q = MazeCodec.INSTANCE.decode(s.tokens()).transform(t);
            MazeGrid a = MazeCodec.INSTANCE.decode(s.labels()).transform(t);
            return mazeSample(q, a);
        } : null;
        return new PuzzleSamples("maze", out, aug, seed);
    }

    private static Sample mazeSample(MazeGrid q, MazeGrid a) {
        boolean[] open = new boolean[MazeGrid.CELLS];
        for (int i = 0; i < open.length; i++) {
            open[i] = q.get(i) == MazeGrid.OPEN;
        }
        return new Sample(MazeCodec.INSTANCE.encode(q), MazeCodec.INSTANCE.encode(a), 0, open);
    }

    public String task() {
        return task;
    }

    public int size() {
        return samples.size();
    }

    /** The puzzles as given, in file order (evaluation). */
    public List<Sample> originals() {
        return samples;
    }

    /** The training sample at a stream position. */
    public synchronized Sample at(long position) {
        long epoch = position / samples.size();
        int index = (int) (position % samples.size());
        if (epoch != cachedEpoch) {
            cachedOrder = Permutations.random(samples.size(), new Random(mix(seed, epoch, -1)));
            cachedEpoch = epoch;
        }
        Sample s = samples.get(cachedOrder[index]);
        return augmentation == null ? s : augmentation.apply(s, new Random(mix(seed, epoch, index)));
    }

    /** A well-spread seed from three numbers (SplitMix64 finaliser over their combination). */
    static long mix(long a, long b, long c) {
        long z = a * 0x9E3779B97F4A7C15L + b * 0xBF58476D1CE4E5B9L + c * 0x94D049BB133111EBL;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
