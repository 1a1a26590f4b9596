package dev.trm.runtime;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.Buffer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The native side of a {@link Solver}'s batch (ONNX Runtime GenAI calls it the State): the input
 * tensors of the next step and the y and z the last step left in ONNX Runtime's memory. When the
 * same rows run again, a step's outputs become the next step's inputs without a copy; when rows
 * join or leave, each row's y and z are held in its {@link Row} and the tensors are built anew.
 */
final class BatchState implements AutoCloseable {
    /** What the state needs of a row: its tokens, its puzzle-embedding row, and its y/z while out of the tensors. */
    interface Row {
        int[] tokens();

        long puzzleId();

        /** The row's y and z, or null while the row is fresh or in the tensors. */
        float[] heldY();

        float[] heldZ();

        /** Keeps y and z for the row while it is out of the tensors (null, null: forget them). */
        void hold(float[] y, float[] z);
    }

    /**
     * What one step returned: logits [B, S, V] and the halting logit [B] as floats (q_halt, or for HRM
     * q_halt - q_continue), and the run that owns y and z.
     */
    record Output(float[] logits, float[] qHalt, OrtSession.Result result) {
    }

    private final OrtEnvironment env;
    private final ModelInfo info;
    private final int rowSize;
    private OnnxTensor tokens;
    private OnnxTensor ids;
    private OnnxTensor y;
    private OnnxTensor z;
    /** The run whose outputs y and z are (null when they are tensors of our own). */
    private OrtSession.Result owner;
    /** Rows of the tensors, padding included. */
    private int rows;

    /** The state of a batch of the model {@code info} describes, its tensors made in {@code env}. */
    BatchState(OrtEnvironment env, ModelInfo info) {
        this.env = env;
        this.info = info;
        this.rowSize = info.workingLength() * info.hiddenSize();
    }

    /** Whether y and z of a step are in the tensors (false before the first step and after the rows were held). */
    boolean hasRows() {
        return y != null;
    }

    /**
     * New input tensors for {@code rows} in order: held y/z where a row has them, y_init/z_init for
     * fresh rows; up to {@code minRows} rows, the last row is repeated (padding whose outputs nobody reads).
     */
    void rebuild(List<? extends Row> rows, int minRows) throws OrtException {
        close();
        int b = Math.max(rows.size(), minRows);
        this.rows = b;
        int s = info.seqLen();
        float[] y0 = repeat(info.yInit(), info.workingLength());
        float[] z0 = repeat(info.zInit(), info.workingLength());
        FloatBuffer ys = directFloats(b * rowSize);
        FloatBuffer zs = directFloats(b * rowSize);
        LongBuffer tok = ByteBuffer.allocateDirect(b * s * Long.BYTES).order(ByteOrder.nativeOrder()).asLongBuffer();
        LongBuffer idBuf = ByteBuffer.allocateDirect(b * Long.BYTES).order(ByteOrder.nativeOrder()).asLongBuffer();
        for (int i = 0; i < b; i++) {
            Row row = rows.get(Math.min(i, rows.size() - 1));
            ys.put(row.heldY() != null ? row.heldY() : y0);
            zs.put(row.heldZ() != null ? row.heldZ() : z0);
            for (int t : row.tokens()) {
                tok.put(t);
            }
            idBuf.put(row.puzzleId());
        }
        for (Row row : rows) {
            row.hold(null, null);
        }
        ((Buffer) ys).rewind(); // Buffer's own methods: Android API 26 lacks the covariant overrides
        ((Buffer) zs).rewind();
        ((Buffer) tok).rewind();
        ((Buffer) idBuf).rewind();
        long[] stateShape = {b, info.workingLength(), info.hiddenSize()};
        y = OnnxTensor.createTensor(env, ys, stateShape);
        z = OnnxTensor.createTensor(env, zs, stateShape);
        tokens = OnnxTensor.createTensor(env, tok, new long[] {b, s});
        ids = OnnxTensor.createTensor(env, idBuf, new long[] {b});
    }

    /** Rows the tensors hold, padding included. */
    int rows() {
        return rows;
    }

    /** Runs one supervision step on the tensors; the caller passes the output on with {@link #continueWith} or {@link #holdRows}. */
    Output run(OrtSession session) throws OrtException {
        Map<String, OnnxTensor> inputs = new HashMap<>();
        inputs.put(StepContract.IN_TOKENS, tokens);
        inputs.put(StepContract.IN_PUZZLE_IDS, ids);
        inputs.put(StepContract.IN_Y, y);
        inputs.put(StepContract.IN_Z, z);
        OrtSession.Result result = session.run(inputs);
        try {
            return new Output(floats(result, StepContract.OUT_LOGITS), haltLogits(result), result);
        } catch (OrtException | RuntimeException e) {
            result.close();
            throw e;
        }
    }

    private float[] haltLogits(OrtSession.Result result) throws OrtException {
        float[] halt = floats(result, StepContract.OUT_Q_HALT);
        return info.haltsOnContinue() ? haltLogits(halt, floats(result, StepContract.OUT_Q_CONTINUE)) : halt;
    }

    /** HRM's halting logit, q_halt - q_continue: positive exactly when q_halt > q_continue (computed in place). */
    static float[] haltLogits(float[] qHalt, float[] qContinue) {
        for (int i = 0; i < qHalt.length; i++) {
            qHalt[i] -= qContinue[i];
        }
        return qHalt;
    }

    /** The same rows run again: the step's y and z become the next step's inputs, in place. */
    void continueWith(Output out) throws OrtException {
        releaseState();
        y = (OnnxTensor) out.result().get(StepContract.OUT_Y).get();
        z = (OnnxTensor) out.result().get(StepContract.OUT_Z).get();
        owner = out.result();
    }

    /** Copies the y/z rows of the step's output into the rows {@code keep} accepts, then frees the output. */
    void holdRows(Output out, List<? extends Row> rows, Predicate<? super Row> keep) throws OrtException {
        try {
            copyRows((OnnxTensor) out.result().get(StepContract.OUT_Y).get(), (OnnxTensor) out.result().get(StepContract.OUT_Z).get(),
                    rows, keep);
        } finally {
            out.result().close();
        }
        releaseState();
    }

    /** Between steps: copies the rows now in the tensors into the rows {@code keep} accepts, and frees the tensors. */
    void holdRows(List<? extends Row> rows, Predicate<? super Row> keep) {
        copyRows(y, z, rows, keep);
        releaseState();
    }

    private void copyRows(OnnxTensor yAll, OnnxTensor zAll, List<? extends Row> rows, Predicate<? super Row> keep) {
        FloatBuffer ys = yAll.getFloatBuffer();
        FloatBuffer zs = zAll.getFloatBuffer();
        for (int i = 0; i < rows.size(); i++) {
            Row row = rows.get(i);
            if (keep.test(row)) {
                float[] heldY = new float[rowSize];
                float[] heldZ = new float[rowSize];
                ((Buffer) ys).position(i * rowSize);
                ys.get(heldY);
                ((Buffer) zs).position(i * rowSize);
                zs.get(heldZ);
                row.hold(heldY, heldZ);
            }
        }
    }

    private static FloatBuffer directFloats(int n) {
        return ByteBuffer.allocateDirect(n * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
    }

    /** {@code row} repeated {@code rows} times: an initial state over every position. */
    static float[] repeat(float[] row, int rows) {
        float[] out = new float[rows * row.length];
        for (int r = 0; r < rows; r++) {
            System.arraycopy(row, 0, out, r * row.length, row.length);
        }
        return out;
    }

    private static float[] floats(OrtSession.Result r, String name) throws OrtException {
        FloatBuffer b = ((OnnxTensor) r.get(name).get()).getFloatBuffer();
        float[] out = new float[b.remaining()];
        b.get(out);
        return out;
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

    private static void closeTensor(OnnxTensor t) {
        if (t != null) {
            t.close();
        }
    }

    /** Frees every native tensor. */
    @Override
    public void close() {
        releaseState();
        closeTensor(tokens);
        closeTensor(ids);
        tokens = null;
        ids = null;
    }
}
