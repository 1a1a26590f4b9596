package dev.trm.runtime;

/**
 * The contract of an exported TRM step file, shared by the exporter (which writes it) and the
 * runtime (which reads it). One supervision step:
 * <pre>
 *   inputs   tokens      int64   [batch, S]
 *            puzzle_ids  int64   [batch]
 *            y, z        float32 [batch, L, D]
 *   outputs  y_next, z_next  float32 [batch, L, D]
 *            logits          float32 [batch, S, V]
 *            q_halt, q_continue float32 [batch]   (logits; halt when q_halt > 0)
 * </pre>
 * The batch dimension is symbolic ({@code batch}). Everything else needed to run the recursion is
 * in the model's metadata under the keys below (all values are strings).
 */
public final class StepContract {
    /** Version of this contract; bumped when inputs, outputs or metadata change incompatibly. */
    public static final int FORMAT_VERSION = 1;
    public static final String BATCH_DIM = "batch";

    public static final String IN_TOKENS = "tokens";
    public static final String IN_PUZZLE_IDS = "puzzle_ids";
    public static final String IN_Y = "y";
    public static final String IN_Z = "z";
    public static final String OUT_Y = "y_next";
    public static final String OUT_Z = "z_next";
    public static final String OUT_LOGITS = "logits";
    public static final String OUT_Q_HALT = "q_halt";
    public static final String OUT_Q_CONTINUE = "q_continue";

    /** Metadata key prefix. */
    public static final String PREFIX = "trm.";
    public static final String FORMAT = PREFIX + "format_version";
    public static final String TASK = PREFIX + "task";
    public static final String VARIANT = PREFIX + "variant";
    public static final String H_CYCLES = PREFIX + "T";
    public static final String L_CYCLES = PREFIX + "n";
    public static final String HALT_MAX_STEPS = PREFIX + "N_sup";
    public static final String HIDDEN = PREFIX + "D";
    public static final String WORKING_LENGTH = PREFIX + "L";
    public static final String SEQ_LEN = PREFIX + "S";
    public static final String VOCAB = PREFIX + "V";
    public static final String PUZZLE_EMB_LEN = PREFIX + "puzzle_emb_len";
    public static final String NUM_PUZZLE_IDS = PREFIX + "num_puzzle_ids";
    /** The initial y and z vectors [D], float32 little-endian, base64. */
    public static final String Y_INIT = PREFIX + "y_init";
    public static final String Z_INIT = PREFIX + "z_init";
    /** Codec parameters, as {@code key=value;...} (for example {@code side=9;blank_token=1;digit_offset=1}). */
    public static final String CODEC = PREFIX + "codec";
    public static final String SOURCE_CHECKPOINT = PREFIX + "source_checkpoint";
    public static final String TRAINING_STEP = PREFIX + "training_step";
    public static final String DATASET = PREFIX + "dataset";
    public static final String EVAL_ACCURACY = PREFIX + "eval_accuracy";
    public static final String PRODUCER = PREFIX + "producer";
    /** Which weights of the checkpoint were exported: {@code ema} (their moving average, the default) or {@code trained}. */
    public static final String WEIGHTS = PREFIX + "weights";
    /** How the weights are stored and multiplied when not plain fp32 (for example {@code int8 block matmuls}). */
    public static final String ENCODING = PREFIX + "encoding";
    /**
     * The puzzle-embedding rows' names, one per line, line i = puzzle id i (line 0 the blank row):
     * ARC tasks and their variants as the reference names them ({@code TASK}, {@code TASK|||t<k>|||<colours>}).
     */
    public static final String PUZZLE_IDENTIFIERS = PREFIX + "puzzle_identifiers";
    /** The recursion that was exported: {@code trm} (absent in older files) or {@code hrm}. */
    public static final String ARCHITECTURE = PREFIX + "architecture";
    /**
     * When the model says it is done: {@code q_halt>0} (absent in older files; TRM's rule) or
     * {@code q_halt>q_continue} (a model trained with the Q-learning continue loss: HRM, or a TRM with
     * no_ACT_continue false).
     */
    public static final String HALT_RULE = PREFIX + "halt_rule";
    public static final String HALT_ON_CONTINUE = "q_halt>q_continue";
    /**
     * {@code rows} when each row's outputs are the same bits in a batch of one as in any larger batch
     * on ONNX Runtime's CPU provider (every product has the batch in its rows, every reduction runs
     * over the last axis; absent in older files, whose lone puzzle runs beside a copy of itself so that
     * its answer never depends on its batch-mates).
     */
    public static final String BATCH_INVARIANT = PREFIX + "batch_invariant";
    public static final String INVARIANT_ROWS = "rows";
    /** The training recipe the model came from. */
    public static final String RECIPE = PREFIX + "recipe";

    private StepContract() {
    }

    /** Index of the largest of {@code logits[from .. from + n)}, the first on ties: one cell's predicted token. */
    public static int argmax(float[] logits, int from, int n) {
        int best = 0;
        for (int i = 1; i < n; i++) {
            if (logits[from + i] > logits[from + best]) {
                best = i;
            }
        }
        return best;
    }
}
