package dev.trm.runtime;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.Buffer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Drives the recursion for one batch of puzzles, one supervision step per {@link #step()}, in the
 * shape of a generation loop: {@code while (!solver.isDone()) solver.step();}. Puzzles that halt
 * leave the batch, so later steps cost only what is still running.
 *
 * <p>y and z stay in ONNX Runtime's native tensors between steps: the outputs of one run are the
 * inputs of the next. Only when some puzzles halt are the remaining rows copied into a smaller
 * batch. A solver belongs to one thread; the model it came from serves many.
 */
public final class Solver implements AutoCloseable {
    private final TrmModel model;
    private final ModelInfo info;
    private final PuzzleTask task;
    private final List<String> puzzles;
    private final HaltPolicy policy;
    private final StepObserver observer;
    private final int[][] tokens;
    private final Solution[] solutions;
    private final float[][] haltProbabilities;
    private final long[] nanos;
    private int[] active;
    private int step;
    private long lastRunNanos;
    private OnnxTensor tokenTensor;
    private OnnxTensor idTensor;
    private OnnxTensor y;
    private OnnxTensor z;
    /** The run whose outputs y and z are (null when they are our own tensors). */
    private OrtSession.Result owner;

    Solver(TrmModel model, List<String> puzzles, HaltPolicy policy, StepObserver observer) {
        this.model = model;
        this.info = model.info();
        this.task = model.task();
        this.puzzles = new ArrayList<>(puzzles);
        this.policy = policy;
        this.observer = observer;
        int n = puzzles.size();
        if (n == 0) {
            throw new IllegalArgumentException("no puzzles to solve");
        }
        this.tokens = new int[n][];
        for (int i = 0; i < n; i++) {
            String p = puzzles.get(i);
            try {
                tokens[i] = task.encode(p);
            } catch (InvalidPuzzleException e) {
                throw new InvalidPuzzleException((n == 1 ? "puzzle" : "puzzle " + (i + 1)) + ": " + e.getMessage(), e);
            }
        }
        this.solutions = new Solution[n];
        this.haltProbabilities = new float[n][info.haltMaxSteps()];
        this.nanos = new long[n];
        this.active = new int[n];
        for (int i = 0; i < n; i++) {
            active[i] = i;
        }
        try {
            float[] y0 = repeat(info.yInit(), n * info.workingLength());
            float[] z0 = repeat(info.zInit(), n * info.workingLength());
            this.y = floatTensor(y0, n);
            this.z = floatTensor(z0, n);
            rebuildInputs();
        } catch (OrtException e) {
            close();
            throw new TrmRuntimeException("cannot create input tensors: " + e.getMessage(), e);
        }
    }

    private static float[] repeat(float[] row, int rows) {
        float[] out = new float[rows * row.length];
        for (int r = 0; r < rows; r++) {
            System.arraycopy(row, 0, out, r * row.length, row.length);
        }
        return out;
    }

    private OnnxTensor floatTensor(float[] values, int batch) throws OrtException {
        FloatBuffer direct = ByteBuffer.allocateDirect(values.length * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
        direct.put(values);
        ((Buffer) direct).rewind(); // Buffer's own methods: Android API 26 lacks the covariant overrides
        return OnnxTensor.createTensor(model.env(), direct, new long[] {batch, info.workingLength(), info.hiddenSize()});
    }

    private void rebuildInputs() throws OrtException {
        closeTensor(tokenTensor);
        closeTensor(idTensor);
        int b = active.length;
        int s = info.seqLen();
        LongBuffer tok = ByteBuffer.allocateDirect(b * s * Long.BYTES).order(ByteOrder.nativeOrder()).asLongBuffer();
        for (int idx : active) {
            for (int t : tokens[idx]) {
                tok.put(t);
            }
        }
        ((Buffer) tok).rewind();
        LongBuffer ids = ByteBuffer.allocateDirect(b * Long.BYTES).order(ByteOrder.nativeOrder()).asLongBuffer();
        tokenTensor = OnnxTensor.createTensor(model.env(), tok, new long[] {b, s});
        idTensor = OnnxTensor.createTensor(model.env(), ids, new long[] {b});
    }

    public boolean isDone() {
        return active.length == 0;
    }

    /** Time spent inside ONNX Runtime's run call in the last step (the rest of a step is the runtime's overhead). */
    public long lastRunNanos() {
        return lastRunNanos;
    }

    /** Supervision steps run so far. */
    public int steps() {
        return step;
    }

    /** Runs one supervision step for every puzzle still running, then applies the halting policy. */
    public void step() {
        if (isDone()) {
            throw new IllegalStateException("every puzzle has halted");
        }
        step++;
        Map<String, OnnxTensor> inputs = new HashMap<>();
        inputs.put(StepContract.IN_TOKENS, tokenTensor);
        inputs.put(StepContract.IN_PUZZLE_IDS, idTensor);
        inputs.put(StepContract.IN_Y, y);
        inputs.put(StepContract.IN_Z, z);
        long t0 = System.nanoTime();
        OrtSession.Result result;
        try {
            result = model.session().run(inputs);
        } catch (OrtException e) {
            throw new TrmRuntimeException("step " + step + " failed in ONNX Runtime: " + e.getMessage(), e);
        }
        long elapsed = System.nanoTime() - t0;
        lastRunNanos = elapsed;
        try {
            float[] logits = floats(result, StepContract.OUT_LOGITS);
            float[] q = floats(result, StepContract.OUT_Q_HALT);
            boolean[] halted = new boolean[active.length];
            int remaining = 0;
            int s = info.seqLen();
            int v = info.vocabSize();
            for (int row = 0; row < active.length; row++) {
                int idx = active[row];
                nanos[idx] += elapsed;
                int[] pred = new int[s];
                for (int c = 0; c < s; c++) {
                    pred[c] = argmax(logits, (row * s + c) * v, v);
                }
                float prob = (float) (1 / (1 + Math.exp(-q[row])));
                haltProbabilities[idx][step - 1] = prob;
                StepState state = new StepState(task, idx, puzzles.get(idx), step, task.decode(pred), prob);
                if (observer != null) {
                    observer.onStep(state);
                }
                boolean byPolicy = policy.halt(state);
                if (byPolicy || step >= info.haltMaxSteps()) {
                    halted[row] = true;
                    String reason = byPolicy ? policy.reason(state) : HaltPolicy.MAX_STEPS;
                    solutions[idx] = new Solution(puzzles.get(idx), state.answer(), step, reason,
                            Arrays.copyOf(haltProbabilities[idx], step), state.isSolved(), nanos[idx]);
                } else {
                    remaining++;
                }
            }
            advance(result, halted, remaining);
        } catch (OrtException e) {
            result.close();
            throw new TrmRuntimeException("step " + step + ": cannot read outputs: " + e.getMessage(), e);
        }
    }

    /** Moves y/z to the next step: the outputs themselves, or the rows of the puzzles still running. */
    private void advance(OrtSession.Result result, boolean[] halted, int remaining) throws OrtException {
        OnnxTensor yNext = (OnnxTensor) result.get(StepContract.OUT_Y).get();
        OnnxTensor zNext = (OnnxTensor) result.get(StepContract.OUT_Z).get();
        if (remaining == active.length) {
            releaseState();
            y = yNext;
            z = zNext;
            owner = result;
            return;
        }
        int[] next = new int[remaining];
        OnnxTensor ySmall = null;
        OnnxTensor zSmall = null;
        if (remaining > 0) {
            int rowSize = info.workingLength() * info.hiddenSize();
            float[] ys = new float[remaining * rowSize];
            float[] zs = new float[remaining * rowSize];
            FloatBuffer yAll = yNext.getFloatBuffer();
            FloatBuffer zAll = zNext.getFloatBuffer();
            int k = 0;
            for (int row = 0; row < active.length; row++) {
                if (!halted[row]) {
                    next[k] = active[row];
                    ((Buffer) yAll).position(row * rowSize);
                    yAll.get(ys, k * rowSize, rowSize);
                    ((Buffer) zAll).position(row * rowSize);
                    zAll.get(zs, k * rowSize, rowSize);
                    k++;
                }
            }
            ySmall = floatTensor(ys, remaining);
            zSmall = floatTensor(zs, remaining);
        }
        result.close();
        releaseState();
        y = ySmall;
        z = zSmall;
        active = next;
        if (remaining > 0) {
            rebuildInputs();
        }
    }

    private void releaseState() {
        if (owner != null) {
            owner.close();
            owner = null;
        } else {
            closeTensor(y);
            closeTensor(z);
        }
        y = null;
        z = null;
    }

    private static float[] floats(OrtSession.Result r, String name) throws OrtException {
        FloatBuffer b = ((OnnxTensor) r.get(name).get()).getFloatBuffer();
        float[] out = new float[b.remaining()];
        b.get(out);
        return out;
    }

    /** Index of the largest of {@code x[from .. from + n)}, the first on ties: one cell's predicted token. */
    public static int argmax(float[] x, int from, int n) {
        int best = 0;
        for (int i = 1; i < n; i++) {
            if (x[from + i] > x[from + best]) {
                best = i;
            }
        }
        return best;
    }

    /** One solution per puzzle, in submission order (complete once {@link #isDone()}). */
    public List<Solution> solutions() {
        if (!isDone()) {
            throw new IllegalStateException("puzzles are still running");
        }
        return Arrays.asList(solutions.clone());
    }

    private static void closeTensor(OnnxTensor t) {
        if (t != null) {
            t.close();
        }
    }

    @Override
    public void close() {
        if (y != null || z != null || owner != null) {
            releaseState();
        }
        closeTensor(tokenTensor);
        closeTensor(idTensor);
        tokenTensor = null;
        idTensor = null;
    }
}
