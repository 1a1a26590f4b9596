package dev.trm.train;

import dev.trm.data.AugmentedSet;
import dev.trm.data.Example;
import dev.trm.task.Dihedral;
import dev.trm.task.Permutations;
import dev.trm.task.SeedMix;
import dev.trm.task.TaskKind;
import dev.trm.task.arc.ArcAugmentation;
import dev.trm.task.arc.ArcCodec;
import dev.trm.task.arc.ArcPair;
import dev.trm.task.arc.ArcTask;
import dev.trm.task.maze.MazeCodec;
import dev.trm.task.maze.MazeGrid;
import dev.trm.task.sudoku.SudokuCodec;
import dev.trm.task.sudoku.SudokuGrid;
import dev.trm.task.sudoku.SudokuTransform;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A task's labelled puzzles as token sequences, with the task's reference augmentation drawn on
 * the fly. Training reads an endless stream addressed by position: epoch {@code pos / size} visits
 * every puzzle once in a seeded order, each as a fresh seeded variant. A position therefore fixes
 * the sample exactly, which makes resuming exact.
 */
public final class PuzzleSamples implements SampleSource {
    /**
     * One training or evaluation row. {@code blank[i]} marks the cells the blank-cell accuracy counts:
     * those the puzzle leaves open (Sudoku, Maze), the output cells (ARC). Label 0 (PAD) is never scored.
     */
    public record Sample(int[] tokens, int[] labels, int puzzleId, boolean[] blank) {
    }

    /** The input tokens of {@code part}, one row after another: a [part.size(), seqLen] batch flattened. */
    public static long[] tokens(List<Sample> part) {
        int seq = part.isEmpty() ? 0 : part.get(0).tokens().length;
        long[] out = new long[part.size() * seq];
        for (int i = 0; i < part.size(); i++) {
            int[] t = part.get(i).tokens();
            for (int k = 0; k < seq; k++) {
                out[i * seq + k] = t[k];
            }
        }
        return out;
    }

    /** The puzzle ids of {@code part}, in order. */
    public static long[] puzzleIds(List<Sample> part) {
        return part.stream().mapToLong(Sample::puzzleId).toArray();
    }

    /** The name of puzzle id 0, the blank row the reference never trains. */
    public static final String BLANK_IDENTIFIER = "<blank>";

    /** Draws one augmented variant of a sample. */
    interface Augmentation {
        Sample apply(Sample s, Random rng);
    }

    private final String task;
    private final List<Sample> samples;
    private final Augmentation augmentation;
    private final long seed;
    private final List<Sample> heldOut;
    private final List<String> identifiers;
    private final int numPuzzleIds;
    private long cachedEpoch = -1;
    private int[] cachedOrder;

    private PuzzleSamples(String task, List<Sample> samples, Augmentation augmentation, long seed) {
        this(task, samples, augmentation, seed, Collections.emptyList(), Collections.emptyList());
    }

    private PuzzleSamples(String task, List<Sample> samples, Augmentation augmentation, long seed, List<Sample> heldOut,
                          List<String> identifiers) {
        if (samples.isEmpty()) {
            throw new IllegalArgumentException("a data set needs at least one puzzle");
        }
        this.task = task;
        this.samples = Collections.unmodifiableList(samples);
        this.augmentation = augmentation;
        this.seed = seed;
        this.heldOut = Collections.unmodifiableList(heldOut);
        this.identifiers = Collections.unmodifiableList(identifiers);
        this.numPuzzleIds = Math.max(1, identifiers.size());
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
        return new PuzzleSamples(TaskKind.SUDOKU.id(), out, aug, seed);
    }

    static Sample sudokuSample(SudokuGrid q, SudokuGrid a) {
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
        return new PuzzleSamples(TaskKind.MAZE.id(), out, aug, seed);
    }

    private static Sample mazeSample(MazeGrid q, MazeGrid a) {
        boolean[] open = new boolean[MazeGrid.CELLS];
        for (int i = 0; i < open.length; i++) {
            open[i] = q.get(i) == MazeGrid.OPEN;
        }
        return new Sample(MazeCodec.INSTANCE.encode(q), MazeCodec.INSTANCE.encode(a), 0, open);
    }

    /**
     * ARC as the reference builds it. Every task and up to {@code variants} distinct dihedral +
     * colour variants of it (seeded, see {@link AugmentedSet#arc}) each get their own puzzle id
     * (1, 2, ...; row 0 stays the blank one). Training rows are the demonstration pairs of every
     * variant. The test pairs of the original tasks (those with a known output) are held out for
     * evaluation under the original's id, as the reference treats its evaluation subset. With
     * {@code translate}, each training row is drawn at a fresh random offset on the 30x30 canvas
     * (input and output share it); held-out rows stay at the origin.
     */
    public static PuzzleSamples arc(Map<String, ArcTask> tasks, int variants, boolean translate, long seed) {
        return arc(tasks, variants, translate, seed, false);
    }

    /**
     * As {@link #arc(Map, int, boolean, long)}; with {@code trainOnTest} the test pairs of every variant
     * are training rows too, so evaluating the held-out test pairs checks memorisation and the vote,
     * not generalisation.
     */
    public static PuzzleSamples arc(Map<String, ArcTask> tasks, int variants, boolean translate, long seed, boolean trainOnTest) {
        if (variants < 0) {
            throw new IllegalArgumentException("ARC variants must be 0 or more, got " + variants);
        }
        Map<String, ArcTask> all = variants == 0 ? tasks : AugmentedSet.arc(tasks, variants, seed);
        List<Sample> train = new ArrayList<>();
        List<Sample> heldOut = new ArrayList<>();
        List<String> names = new ArrayList<>();
        names.add(BLANK_IDENTIFIER);
        int id = 0;
        for (Map.Entry<String, ArcTask> e : all.entrySet()) {
            id++;
            names.add(e.getKey());
            for (ArcPair p : e.getValue().train()) {
                train.add(arcSample(p, id, 0, 0));
            }
            if (trainOnTest) {
                for (ArcPair p : e.getValue().test()) {
                    if (p.hasOutput()) {
                        train.add(arcSample(p, id, 0, 0));
                    }
                }
            }
            if (tasks.containsKey(e.getKey())) {
                for (ArcPair p : e.getValue().test()) {
                    if (p.hasOutput()) {
                        heldOut.add(arcSample(p, id, 0, 0));
                    }
                }
            }
        }
        Augmentation aug = translate ? (s, rng) -> {
            ArcPair p = new ArcPair(ArcCodec.INSTANCE.decode(s.tokens()), ArcCodec.INSTANCE.decode(s.labels()));
            int[] at = ArcAugmentation.randomOffset(p, rng);
            return arcSample(p, s.puzzleId(), at[0], at[1]);
        } : null;
        return new PuzzleSamples(TaskKind.ARC.id(), train, aug, seed, heldOut, names);
    }

    private static Sample arcSample(ArcPair p, int puzzleId, int row, int col) {
        int[] labels = ArcCodec.INSTANCE.encode(p.output(), row, col);
        boolean[] scored = new boolean[labels.length];
        for (int i = 0; i < labels.length; i++) {
            scored[i] = labels[i] != 0;
        }
        return new Sample(ArcCodec.INSTANCE.encode(p.input(), row, col), labels, puzzleId, scored);
    }

    @Override
    public String task() {
        return task;
    }

    @Override
    public String describe() {
        return samples.size() + " " + task + (TaskKind.ARC.is(task) ? " demonstration pairs" : " puzzles")
                + (augmentation != null ? ", augmented on the fly" : "");
    }

    /** Rows of the puzzle-embedding table the model needs: 1 (Sudoku, Maze), or 1 + every ARC task variant. */
    @Override
    public int numPuzzleIds() {
        return numPuzzleIds;
    }

    @Override
    public List<String> identifiers() {
        return identifiers;
    }

    /** Rows kept out of training for evaluation (ARC test pairs); empty for Sudoku and Maze. */
    @Override
    public List<Sample> heldOut() {
        return heldOut;
    }

    public int size() {
        return samples.size();
    }

    /** The puzzles as given, in file order (evaluation). */
    public List<Sample> originals() {
        return samples;
    }

    /** The training sample at a stream position. */
    @Override
    public synchronized Sample at(long position) {
        long epoch = position / samples.size();
        int index = (int) (position % samples.size());
        if (epoch != cachedEpoch) {
            cachedOrder = Permutations.random(samples.size(), new Random(SeedMix.mix(seed, epoch, -1)));
            cachedEpoch = epoch;
        }
        Sample s = samples.get(cachedOrder[index]);
        return augmentation == null ? s : augmentation.apply(s, new Random(SeedMix.mix(seed, epoch, index)));
    }

}
