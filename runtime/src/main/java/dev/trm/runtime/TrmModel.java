package dev.trm.runtime;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * A loaded TRM step file. It drives the recursion in Java: y and z start from the file's
 * y_init/z_init, each {@link Solver#step()} runs one supervision step for the puzzles still
 * running, and a {@link HaltPolicy} decides when each puzzle stops.
 *
 * <p>One model serves many threads at once (ONNX Runtime sessions are thread-safe; each solve has
 * its own tensors). {@link #close()} waits for steps already running and is safe to call more than
 * once; a solve that goes on after it fails with {@link TrmRuntimeException}.
 */
public final class TrmModel implements AutoCloseable {
    private final OrtEnvironment env;
    private final OrtSession session;
    private final ModelInfo info;
    private final PuzzleTask task;
    private final Provider provider;
    /** Steps hold the read side; close takes the write side, so it waits for running steps. */
    private final ReentrantReadWriteLock lifetime = new ReentrantReadWriteLock();
    private volatile boolean closed;

    /** A model over a session {@link ModelLoader} made and checked. */
    TrmModel(OrtEnvironment env, OrtSession session, ModelInfo info, Provider provider) {
        this.env = env;
        this.session = session;
        this.info = info;
        this.task = PuzzleTasks.of(info);
        this.provider = provider;
        if (task.sequenceLength() != info.seqLen()) {
            throw new ModelLoadException("model for " + info.task() + " has S = " + info.seqLen() + ", the task needs "
                    + task.sequenceLength());
        }
    }

    /** Loads a step file ({@link ModelLoader#load(Path, RuntimeConfig)}). */
    public static TrmModel load(Path file, RuntimeConfig options) {
        return ModelLoader.load(file, options);
    }

    /** Loads a step file from a stream (an app's asset, say). */
    public static TrmModel load(InputStream in, RuntimeConfig options) {
        return ModelLoader.load(in, options);
    }

    public static TrmModel load(byte[] bytes, RuntimeConfig options) {
        return ModelLoader.load(bytes, options);
    }

    public ModelInfo info() {
        return info;
    }

    public PuzzleTask task() {
        return task;
    }

    /** The provider the session actually runs on. */
    public Provider provider() {
        return provider;
    }

    OrtEnvironment env() {
        return env;
    }

    /**
     * Runs one piece of work with the session (a step and the reading of its outputs) while the model
     * cannot close: {@link #close()} waits for work already running, and work after close is a
     * clear error instead of a use of freed native memory.
     */
    <R> R whileOpen(SessionWork<R> work) throws OrtException {
        lifetime.readLock().lock();
        try {
            if (closed) {
                throw new TrmRuntimeException("the model is closed");
            }
            return work.run(session);
        } finally {
            lifetime.readLock().unlock();
        }
    }

    /** Work that uses the session. */
    interface SessionWork<R> {
        R run(OrtSession session) throws OrtException;
    }

    /** One puzzle, solved as {@code policy} and {@code effort} say (a bad puzzle is an {@link InvalidPuzzleException}). */
    public Solution solve(String puzzle, HaltPolicy policy, Effort effort) {
        return solveAll(Arrays.asList(puzzle), policy, effort, 1, null).get(0);
    }

    /** Solves every puzzle, {@code batch} puzzles (with all their copies) at a time; puzzles leave their batch as they halt. */
    public List<Solution> solveAll(List<String> puzzles, HaltPolicy policy, Effort effort, int batch, StepObserver observer) {
        return solveQuestions(parseAll(puzzles), policy, effort, batch, observer);
    }

    /** {@link #solveAll} over puzzles the task parsed already ({@link #parseAll}, {@link PuzzleTask#parse}). */
    public List<Solution> solveQuestions(List<Question> puzzles, HaltPolicy policy, Effort effort, int batch, StepObserver observer) {
        if (batch < 1) {
            throw new IllegalArgumentException("batch must be at least 1, got " + batch);
        }
        List<Solution> out = new ArrayList<>();
        for (int start = 0; start < puzzles.size(); start += batch) {
            List<Question> part = puzzles.subList(start, Math.min(puzzles.size(), start + batch));
            try (Solver s = new Solver(this, part, policy, effort, observer)) {
                while (!s.isDone()) {
                    s.step();
                }
                out.addAll(s.solutions());
            }
        }
        return out;
    }

    /** A step-by-step solver over a batch of puzzles (validated now) that spends test-time compute as {@code effort} allows. */
    public Solver solver(List<String> puzzles, HaltPolicy policy, Effort effort, StepObserver observer) {
        return new Solver(this, parseAll(puzzles), policy, effort, observer);
    }

    /**
     * A continuous solver: it starts empty, puzzles join between steps with {@link Solver#add} (each
     * with its own policy and effort) and leave as soon as they finish ({@link Solver#takeFinished}).
     * What a server's scheduler drives.
     */
    public Solver continuousSolver(StepObserver observer) {
        return new Solver(this, observer, Integer.MAX_VALUE);
    }

    /**
     * A continuous solver whose steps run at most {@code maxLanes} lanes: the copies an escalating
     * puzzle adds past it wait their turn (a server's memory and step time stay bounded).
     */
    public Solver continuousSolver(StepObserver observer, int maxLanes) {
        return new Solver(this, observer, maxLanes);
    }

    /**
     * Parses and validates every puzzle once, for the solver; a bad one is an
     * {@link InvalidPuzzleException} naming its place ({@code puzzle 3}, or {@code puzzle} when alone).
     */
    public List<Question> parseAll(List<String> puzzles) {
        List<Question> out = new ArrayList<>(puzzles.size());
        for (int i = 0; i < puzzles.size(); i++) {
            try {
                out.add(task.parse(puzzles.get(i)));
            } catch (InvalidPuzzleException e) {
                throw new InvalidPuzzleException((puzzles.size() == 1 ? "puzzle" : "puzzle " + (i + 1)) + ": " + e.getMessage(), e);
            }
        }
        return out;
    }

    /** Closes the session once every step already running has finished; later steps fail with a clear error. */
    @Override
    public void close() {
        lifetime.writeLock().lock();
        try {
            if (!closed) {
                closed = true;
                ModelLoader.closeQuietly(session);
            }
        } finally {
            lifetime.writeLock().unlock();
        }
    }
}
