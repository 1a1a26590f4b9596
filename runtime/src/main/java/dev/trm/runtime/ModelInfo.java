package dev.trm.runtime;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * What an exported step file says about itself (its {@link StepContract} metadata), checked when
 * a model loads.
 */
public final class ModelInfo {
    private final String task;
    private final String variant;
    private final int hCycles;
    private final int lCycles;
    private final int haltMaxSteps;
    private final int hidden;
    private final int workingLength;
    private final int seqLen;
    private final int vocab;
    private final boolean haltsOnContinue;
    private final boolean rowInvariant;
    private final float[] yInit;
    private final float[] zInit;
    private final Map<String, String> metadata;

    private ModelInfo(Map<String, String> md, String source) {
        this.metadata = Collections.unmodifiableMap(new TreeMap<>(md));
        String format = md.get(StepContract.FORMAT);
        if (format == null) {
            throw new ModelLoadException(source + ": an ONNX file without TRM metadata (no '" + StepContract.FORMAT
                    + "'); export models with trm-export");
        }
        if (!format.equals(Integer.toString(StepContract.FORMAT_VERSION))) {
            throw new ModelLoadException(source + ": unsupported TRM format version " + format + " (this runtime reads "
                    + StepContract.FORMAT_VERSION + ")");
        }
        this.task = required(md, StepContract.TASK, source);
        this.variant = required(md, StepContract.VARIANT, source);
        this.hCycles = number(md, StepContract.H_CYCLES, source);
        this.lCycles = number(md, StepContract.L_CYCLES, source);
        this.haltMaxSteps = number(md, StepContract.HALT_MAX_STEPS, source);
        this.hidden = number(md, StepContract.HIDDEN, source);
        this.workingLength = number(md, StepContract.WORKING_LENGTH, source);
        this.seqLen = number(md, StepContract.SEQ_LEN, source);
        this.vocab = number(md, StepContract.VOCAB, source);
        this.yInit = vector(md, StepContract.Y_INIT, source);
        this.zInit = vector(md, StepContract.Z_INIT, source);
        this.haltsOnContinue = StepContract.HALT_ON_CONTINUE.equals(md.get(StepContract.HALT_RULE));
        this.rowInvariant = StepContract.INVARIANT_ROWS.equals(md.get(StepContract.BATCH_INVARIANT));
    }

    /** Whether a row's outputs do not depend on the batch it runs in, a batch of one included ({@code trm.batch_invariant}). */
    public boolean rowInvariant() {
        return rowInvariant;
    }

    /**
     * Whether the halting logit is q_halt - q_continue (halt when q_halt > q_continue: official HRM runs)
     * rather than q_halt alone (halt when q_halt > 0: TRM).
     */
    public boolean haltsOnContinue() {
        return haltsOnContinue;
    }

    static ModelInfo of(Map<String, String> metadata, String source) {
        return new ModelInfo(metadata, source);
    }

    private static String required(Map<String, String> md, String key, String source) {
        String v = md.get(key);
        if (v == null || v.isEmpty()) {
            throw new ModelLoadException(source + ": TRM metadata lacks '" + key + "'");
        }
        return v;
    }

    private static int number(Map<String, String> md, String key, String source) {
        String v = required(md, key, source);
        try {
            int n = Integer.parseInt(v);
            if (n <= 0) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new ModelLoadException(source + ": TRM metadata '" + key + "' is '" + v + "', not a positive integer");
        }
    }

    private float[] vector(Map<String, String> md, String key, String source) {
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(required(md, key, source));
        } catch (IllegalArgumentException e) {
            throw new ModelLoadException(source + ": TRM metadata '" + key + "' is not base64", e);
        }
        if (bytes.length != hidden * Float.BYTES) {
            throw new ModelLoadException(source + ": TRM metadata '" + key + "' holds " + bytes.length / Float.BYTES
                    + " floats, expected D = " + hidden);
        }
        float[] v = new float[hidden];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(v);
        return v;
    }

    public String task() {
        return task;
    }

    public String variant() {
        return variant;
    }

    /** T: rounds per step. */
    public int hCycles() {
        return hCycles;
    }

    /** n: z updates per round. */
    public int lCycles() {
        return lCycles;
    }

    /** N_sup: the most supervision steps a puzzle gets. */
    public int haltMaxSteps() {
        return haltMaxSteps;
    }

    public int hiddenSize() {
        return hidden;
    }

    public int workingLength() {
        return workingLength;
    }

    public int seqLen() {
        return seqLen;
    }

    public int vocabSize() {
        return vocab;
    }

    /** The initial answer state y, one row [D] (a copy). */
    public float[] yInit() {
        return yInit.clone();
    }

    /** The initial latent state z, one row [D] (a copy). */
    public float[] zInit() {
        return zInit.clone();
    }

    /** Every metadata entry, provenance included. */
    public Map<String, String> metadata() {
        return metadata;
    }
}
