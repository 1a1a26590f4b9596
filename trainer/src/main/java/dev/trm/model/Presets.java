package dev.trm.model;

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
    public static final float ROPE_THETA = 10000f;
    public static final float NORM_EPS = 1e-5f;

    private static final Map<String, TrmConfig> PRESETS = new LinkedHashMap<>();

    static {
        TrmConfig sudokuMlp = reference("sudoku", Variant.MLP, 3, 6, 16, 11, 81);
        put("sudoku-mlp", sudokuMlp);
        put("sudoku-att", reference("sudoku", Variant.ATTENTION, 3, 6, 16, 11, 81));
        put("maze-att", reference("maze", Variant.ATTENTION, 3, 4, 16, 6, 900));
        put("arc-att", reference("arc", Variant.ATTENTION, 3, 4, 16, 12, 900));
        // CPU scale: the hidden size and cycles shrink, every other detail stays the reference's
        put("sudoku-mlp-small", sudokuMlp.withHiddenSize(128, 4).withCycles(2, 2, 6));
        put("sudoku-att-small", reference("sudoku", Variant.ATTENTION, 2, 2, 6, 11, 81).withHiddenSize(128, 4));
        // test scale
        put("sudoku-mlp-tiny", sudokuMlp.withHiddenSize(32, 2).withCycles(2, 2, 3));
        put("sudoku-att-tiny", reference("sudoku", Variant.ATTENTION, 2, 2, 3, 11, 81).withHiddenSize(32, 2));
        put("maze-att-tiny", reference("maze", Variant.ATTENTION, 2, 2, 3, 6, 900).withHiddenSize(32, 2));
        put("arc-att-tiny", reference("arc", Variant.ATTENTION, 2, 2, 3, 12, 900).withHiddenSize(32, 2));
    }

    private Presets() {
    }

    private static TrmConfig reference(String task, Variant v, int t, int n, int nSup, int vocab, int seq) {
        return new TrmConfig(task, v, REFERENCE_HIDDEN, REFERENCE_HEADS, REFERENCE_EXPANSION, REFERENCE_LAYERS, t, n, nSup,
                vocab, seq, REFERENCE_PUZZLE_EMB_LEN, 1, ROPE_THETA, NORM_EPS);
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
