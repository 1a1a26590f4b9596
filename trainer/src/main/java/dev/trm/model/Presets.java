package dev.trm.model;

import dev.trm.task.TaskKind;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Named model configurations. The paper-size presets follow the reference recipes; the small ones
 * fit a 2-core CPU (demos, the learning check), the tiny ones make tests fast.
 */
public final class Presets {
    public static final int REFERENCE_HIDDEN = 512;
    public static final int REFERENCE_HEADS = 8;
    public static final float REFERENCE_EXPANSION = 4f;
    public static final int REFERENCE_LAYERS = 2;
    public static final int REFERENCE_PUZZLE_EMB_LEN = 16;
    /** HRM's layers in each of its two networks. */
    public static final int HRM_LAYERS = 4;
    public static final float ROPE_THETA = 10000f;
    public static final float NORM_EPS = 1e-5f;

    private static final Map<String, TrmConfig> PRESETS = new LinkedHashMap<>();

    static {
        TrmConfig sudokuMlp = reference(TaskKind.SUDOKU, Variant.MLP, 3, 6, 16);
        put("sudoku-mlp", sudokuMlp);
        put("sudoku-att", reference(TaskKind.SUDOKU, Variant.ATTENTION, 3, 6, 16));
        put("maze-att", reference(TaskKind.MAZE, Variant.ATTENTION, 3, 4, 16));
        put("arc-att", reference(TaskKind.ARC, Variant.ATTENTION, 3, 4, 16));
        // HRM's architecture as its paper sizes it for Sudoku: 4-layer H and L networks, T 2, n 2, one prefix
        // row; trained here with TRM's halting loss (no Q-learning continue target), so it halts when q_halt > 0
        put("hrm-sudoku", reference(TaskKind.SUDOKU, Variant.ATTENTION, 2, 2, 16).toBuilder()
                .layers(HRM_LAYERS).architecture(Architecture.HRM, HRM_LAYERS).puzzleEmbLen(1).build());
        // CPU scale: the hidden size and cycles shrink, every other detail stays the reference's
        put("sudoku-mlp-small", sudokuMlp.withHiddenSize(128, 4).withCycles(2, 2, 6));
        put("sudoku-att-small", reference(TaskKind.SUDOKU, Variant.ATTENTION, 2, 2, 6).withHiddenSize(128, 4));
        // test scale
        put("sudoku-mlp-tiny", sudokuMlp.withHiddenSize(32, 2).withCycles(2, 2, 3));
        put("sudoku-att-tiny", reference(TaskKind.SUDOKU, Variant.ATTENTION, 2, 2, 3).withHiddenSize(32, 2));
        put("maze-att-tiny", reference(TaskKind.MAZE, Variant.ATTENTION, 2, 2, 3).withHiddenSize(32, 2));
        put("hrm-sudoku-tiny", get("hrm-sudoku").withHiddenSize(32, 2).withCycles(2, 2, 3).toBuilder()
                .layers(1).architecture(Architecture.HRM, 1).build());
        put("arc-att-tiny", reference(TaskKind.ARC, Variant.ATTENTION, 2, 2, 3).withHiddenSize(32, 2));
    }

    private Presets() {
    }

    /** The reference's block for a task (T cycles of n latent updates, N_sup supervision steps); V and S from the task. */
    private static TrmConfig reference(TaskKind task, Variant v, int t, int n, int nSup) {
        return new TrmConfig.Builder().task(task.id()).variant(v).hiddenSize(REFERENCE_HIDDEN).heads(REFERENCE_HEADS)
                .expansion(REFERENCE_EXPANSION).layers(REFERENCE_LAYERS).hCycles(t).lCycles(n).haltMaxSteps(nSup)
                .vocabSize(task.vocabularySize()).seqLen(task.sequenceLength()).puzzleEmbLen(REFERENCE_PUZZLE_EMB_LEN)
                .ropeTheta(ROPE_THETA).normEps(NORM_EPS).build();
    }

    private static void put(String name, TrmConfig c) {
        PRESETS.put(name, c);
    }

    public static Map<String, TrmConfig> all() {
        return Collections.unmodifiableMap(PRESETS);
    }

    public static TrmConfig get(String name) {
        TrmConfig c = PRESETS.get(name);
        if (c == null) {
            throw new IllegalArgumentException("unknown preset '" + name + "'; known: " + String.join(", ", PRESETS.keySet()));
        }
        return c;
    }
}
