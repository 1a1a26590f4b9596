package dev.trm.export;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trm.io.SafeTensors;
import dev.trm.model.Architecture;
import dev.trm.model.PosEncoding;
import dev.trm.model.TrmConfig;
import dev.trm.model.TrmParameters;
import dev.trm.model.Variant;
import dev.trm.task.TaskKind;
import java.io.IOException;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code arch:} section of an official run's {@code all_config.yaml} (or the same fields given as
 * options), as the official config classes in {@code trm.py} and {@code hrm.py} read it, and its
 * translation into a {@link TrmConfig} checked field by field against the weights' shapes.
 *
 * @param source        where the fields came from, for messages (a file, or "options")
 * @param puzzleEmbLen  as written: 0 means ceil(puzzle_emb_ndim / hidden_size); HRM always uses that
 * @param noActContinue TRM trained without the Q-learning continue loss (its default): it halts when
 *                      q_halt > 0; otherwise (and always for HRM) when q_halt > q_continue
 */
public record OfficialArch(String source, Architecture architecture, int hiddenSize, int numHeads, float expansion,
                           int hCycles, int lCycles, int hLayers, int lLayers, boolean mlpT, int puzzleEmbNdim,
                           int puzzleEmbLen, PosEncoding posEncodings, float rmsNormEps, float ropeTheta, int haltMaxSteps,
                           boolean noActContinue) {
    public static final String NAME = "name";
    public static final String HIDDEN_SIZE = "hidden_size";
    public static final String NUM_HEADS = "num_heads";
    public static final String EXPANSION = "expansion";
    public static final String H_CYCLES = "H_cycles";
    public static final String L_CYCLES = "L_cycles";
    public static final String H_LAYERS = "H_layers";
    public static final String L_LAYERS = "L_layers";
    public static final String MLP_T = "mlp_t";
    public static final String PUZZLE_EMB_NDIM = "puzzle_emb_ndim";
    public static final String PUZZLE_EMB_LEN = "puzzle_emb_len";
    public static final String POS_ENCODINGS = "pos_encodings";
    public static final String RMS_NORM_EPS = "rms_norm_eps";
    public static final String ROPE_THETA = "rope_theta";
    public static final String HALT_MAX_STEPS = "halt_max_steps";
    public static final String NO_ACT_CONTINUE = "no_ACT_continue";
    /** The defaults of the official config classes for the fields they give one. */
    static final float DEFAULT_RMS_NORM_EPS = 1e-5f;
    static final float DEFAULT_ROPE_THETA = 10000f;
    static final int DEFAULT_PUZZLE_EMB_LEN = 16;
    /** The official configs' halt_exploration_prob (training only). */
    static final double OFFICIAL_HALT_EXPLORATION = 0.1;

    /** The model classes this reads: the official TRM, and HRM (in the TRM repository or its own). */
    private static final Map<String, Architecture> CLASSES = Map.of(
            "TinyRecursiveReasoningModel_ACTV1", Architecture.TRM,
            "HierarchicalReasoningModel_ACTV1", Architecture.HRM);
    /** {@code ${.field}}: the Hydra reference to a sibling field the raw arch configs use. */
    private static final Pattern SIBLING = Pattern.compile("\\$\\{\\.([A-Za-z_]+)}");

    /**
     * Reads the fields from an {@code arch} node.
     *
     * @throws IOException naming the source and the field that is missing or malformed
     */
    public static OfficialArch parse(JsonNode arch, String source) throws IOException {
        Fields f = new Fields(arch, source);
        Architecture a = architecture(f.text(NAME, null), source);
        int hidden = f.integer(HIDDEN_SIZE, null);
        OfficialArch read = new OfficialArch(source, a, hidden, f.integer(NUM_HEADS, null), f.real(EXPANSION, null),
                f.integer(H_CYCLES, null), f.integer(L_CYCLES, null), a == Architecture.HRM ? f.integer(H_LAYERS, null) : 0,
                f.integer(L_LAYERS, null), f.bool(MLP_T, false), f.integer(PUZZLE_EMB_NDIM, 0),
                f.integer(PUZZLE_EMB_LEN, DEFAULT_PUZZLE_EMB_LEN), posEncodings(f), f.real(RMS_NORM_EPS, DEFAULT_RMS_NORM_EPS),
                f.real(ROPE_THETA, DEFAULT_ROPE_THETA), f.integer(HALT_MAX_STEPS, null),
                a == Architecture.TRM && f.bool(NO_ACT_CONTINUE, true));
        read.withinBounds(f);
        return read;
    }

    /** The largest value of each size field this toolkit reads: far past any published TRM/HRM run, short of exhausting memory. */
    static final int MAX_HIDDEN_SIZE = 16_384;
    static final int MAX_HEADS = 1024;
    static final float MAX_EXPANSION = 64f;
    static final int MAX_CYCLES = 256;
    static final int MAX_LAYERS = 256;
    static final int MAX_PUZZLE_EMB_LEN = 4096;
    static final int MAX_HALT_STEPS = 4096;

    /**
     * Refuses sizes past sane limits before anything is built from them (a billion H_cycles grew
     * memory to gigabytes with no output; a huge halt_max_steps verified forever).
     */
    private void withinBounds(Fields f) throws IOException {
        within(f, HIDDEN_SIZE, hiddenSize, 1, MAX_HIDDEN_SIZE);
        within(f, NUM_HEADS, numHeads, 1, MAX_HEADS);
        within(f, H_CYCLES, hCycles, 1, MAX_CYCLES);
        within(f, L_CYCLES, lCycles, 1, MAX_CYCLES);
        within(f, L_LAYERS, lLayers, 1, MAX_LAYERS);
        if (architecture == Architecture.HRM) {
            within(f, H_LAYERS, hLayers, 1, MAX_LAYERS);
        }
        within(f, PUZZLE_EMB_NDIM, puzzleEmbNdim, 0, MAX_HIDDEN_SIZE);
        within(f, PUZZLE_EMB_LEN, puzzleEmbLen, 0, MAX_PUZZLE_EMB_LEN);
        within(f, HALT_MAX_STEPS, haltMaxSteps, 1, MAX_HALT_STEPS);
        if (!(expansion > 0 && expansion <= MAX_EXPANSION)) { // NaN fails too
            throw new IOException(f.where(EXPANSION) + " is " + expansion + ": this toolkit reads a positive number up to " + MAX_EXPANSION);
        }
        if (!Float.isFinite(rmsNormEps) || rmsNormEps <= 0 || !Float.isFinite(ropeTheta) || ropeTheta <= 0) {
            throw new IOException(source + ": arch." + RMS_NORM_EPS + " and arch." + ROPE_THETA + " must be positive finite numbers, got "
                    + rmsNormEps + " and " + ropeTheta);
        }
    }

    private static void within(Fields f, String field, int value, int min, int max) throws IOException {
        if (value < min || value > max) {
            throw new IOException(f.where(field) + " is " + value + ": this toolkit reads " + min + " to " + max);
        }
    }

    private static PosEncoding posEncodings(Fields f) throws IOException {
        String p = f.text(POS_ENCODINGS, null);
        try {
            return PosEncoding.of(p);
        } catch (IllegalArgumentException e) {
            throw new IOException(f.where(POS_ENCODINGS) + " is '" + p + "': rope, learned or none", e);
        }
    }

    /** The architecture an {@code arch.name} such as {@code recursive_reasoning.trm@TinyRecursiveReasoningModel_ACTV1} names. */
    static Architecture architecture(String name, String source) throws IOException {
        String cls = name.substring(name.indexOf('@') + 1);
        String shortName = name.toLowerCase(Locale.ROOT);
        if (CLASSES.containsKey(cls)) {
            return CLASSES.get(cls);
        }
        for (Architecture a : Architecture.values()) {
            if (a.id().equals(shortName)) {
                return a;
            }
        }
        throw new IOException(source + ": arch.name '" + name + "' is not a model this toolkit reads (TRM: "
                + "recursive_reasoning.trm@TinyRecursiveReasoningModel_ACTV1, HRM: ...@HierarchicalReasoningModel_ACTV1;"
                + " the ablations trm_singlez, trm_hier6 and transformers_baseline are not supported)");
    }

    /** The official model class of an architecture, as {@code arch.name} names it. */
    static String className(Architecture a) {
        return a == Architecture.HRM ? "recursive_reasoning.hrm@HierarchicalReasoningModel_ACTV1"
                : "recursive_reasoning.trm@TinyRecursiveReasoningModel_ACTV1";
    }

    /**
     * The {@code arch:} section for one of this toolkit's configs, as the official code reads it. The
     * forward runs in float32 (the precision the toolkit trains and exports in); the loss head and the
     * halting settings are the official ones.
     */
    public static Map<String, Object> fieldsOf(TrmConfig c) {
        Map<String, Object> f = new java.util.LinkedHashMap<>();
        f.put(NAME, className(c.architecture()));
        f.put("loss", Map.of(NAME, "losses@ACTLossHead", "loss_type", "stablemax_cross_entropy"));
        f.put(HIDDEN_SIZE, c.hiddenSize());
        f.put(NUM_HEADS, c.heads());
        f.put(EXPANSION, c.expansion());
        f.put(H_CYCLES, c.hCycles());
        f.put(L_CYCLES, c.lCycles());
        f.put(H_LAYERS, c.hLayers());
        f.put(L_LAYERS, c.layers());
        f.put(MLP_T, c.variant() == Variant.MLP);
        f.put(PUZZLE_EMB_NDIM, c.hiddenSize());
        f.put(PUZZLE_EMB_LEN, c.puzzleEmbLen());
        f.put(POS_ENCODINGS, c.posEncoding().id());
        f.put(RMS_NORM_EPS, c.normEps());
        f.put(ROPE_THETA, c.ropeTheta());
        f.put(HALT_MAX_STEPS, c.haltMaxSteps());
        f.put("halt_exploration_prob", OFFICIAL_HALT_EXPLORATION);
        f.put("forward_dtype", "float32");
        if (c.architecture() == Architecture.TRM) {
            f.put(NO_ACT_CONTINUE, !c.haltOnContinue());
        }
        return f;
    }

    /** The prefix rows: HRM and a TRM puzzle_emb_len of 0 take ceil(ndim / hidden). */
    public int prefixRows() {
        int ceil = -Math.floorDiv(-puzzleEmbNdim, hiddenSize);
        return architecture == Architecture.HRM || puzzleEmbLen == 0 ? ceil : puzzleEmbLen;
    }

    /**
     * The toolkit's config for these fields and these weights. V and the number of puzzle ids come from
     * the shapes, S from the task; every field the shapes show is checked against them.
     *
     * @throws IOException naming the field, what the config says and what the weights say
     */
    public TrmConfig toConfig(Map<String, SafeTensors.Tensor> tensors, TaskKind task, String weightsSource) throws IOException {
        long[] tokens = shape(tensors, TrmParameters.EMBED_TOKENS, weightsSource);
        agree(HIDDEN_SIZE, hiddenSize, tokens[1], TrmParameters.EMBED_TOKENS + " " + Arrays.toString(tokens), weightsSource);
        agree("vocabulary of task " + task, task.vocabularySize(), tokens[0], TrmParameters.EMBED_TOKENS + " "
                + Arrays.toString(tokens), weightsSource);
        long[] table = shape(tensors, TrmParameters.PUZZLE_EMB, weightsSource);
        agree(PUZZLE_EMB_NDIM, puzzleEmbNdim, table[1], TrmParameters.PUZZLE_EMB + " " + Arrays.toString(table), weightsSource);
        if (puzzleEmbNdim != hiddenSize) {
            throw new IOException(source + ": " + PUZZLE_EMB_NDIM + " " + puzzleEmbNdim + " differs from " + HIDDEN_SIZE + " "
                    + hiddenSize + "; only a puzzle embedding of one hidden vector (the official configs' choice) is supported");
        }
        agree(L_LAYERS, lLayers, layers(tensors, "L_level.layers."), "the L_level layers", weightsSource);
        agree(H_LAYERS, hLayers, layers(tensors, "H_level.layers."), "the H_level layers", weightsSource);
        String first = TrmParameters.block(0);
        boolean mixer = tensors.containsKey(first + "mlp_t.gate_up_proj.weight");
        if (mixer != mlpT) {
            throw new IOException(source + ": " + MLP_T + " is " + mlpT + " but " + weightsSource + " holds "
                    + (mixer ? "the MLP mixer's mlp_t" : "attention's self_attn") + " weights");
        }
        TrmConfig c = config(task, (int) table[0]);
        long[] gateUp = shape(tensors, first + "mlp.gate_up_proj.weight", weightsSource);
        agree(EXPANSION + " (the SwiGLU width 2 x " + c.swigluInter(hiddenSize) + ")", 2L * c.swigluInter(hiddenSize), gateUp[0],
                first + "mlp.gate_up_proj.weight " + Arrays.toString(gateUp), weightsSource);
        String lengthSays = "S + " + PUZZLE_EMB_LEN + " (" + task + ": " + task.sequenceLength() + " + " + prefixRows() + ")";
        if (mlpT) {
            long[] down = shape(tensors, first + "mlp_t.down_proj.weight", weightsSource);
            agree(lengthSays, c.workingLength(), down[0], first + "mlp_t.down_proj.weight " + Arrays.toString(down), weightsSource);
        }
        if (posEncodings == PosEncoding.LEARNED) {
            long[] pos = shape(tensors, TrmParameters.EMBED_POS, weightsSource);
            agree(lengthSays, c.workingLength(), pos[0], TrmParameters.EMBED_POS + " " + Arrays.toString(pos), weightsSource);
        }
        return c;
    }

    private TrmConfig config(TaskKind task, int puzzleIds) {
        // the official mixer block never reads the RoPE tables a rope config computes
        PosEncoding pos = mlpT && posEncodings == PosEncoding.ROPE ? PosEncoding.NONE : posEncodings;
        return new TrmConfig.Builder().task(task.id()).variant(mlpT ? Variant.MLP : Variant.ATTENTION).hiddenSize(hiddenSize)
                .heads(numHeads).expansion(expansion).layers(lLayers).hCycles(hCycles).lCycles(lCycles).haltMaxSteps(haltMaxSteps)
                .vocabSize(task.vocabularySize()).seqLen(task.sequenceLength()).puzzleEmbLen(prefixRows()).numPuzzleIds(puzzleIds)
                .ropeTheta(ropeTheta).normEps(rmsNormEps).posEncoding(pos).architecture(architecture, hLayers)
                .haltOnContinue(!noActContinue).build();
    }

    private void agree(String field, long config, long weights, String weightsShow, String weightsSource) throws IOException {
        if (config != weights) {
            throw new IOException(source + ": " + field + " is " + config + " but " + weightsShow + " in " + weightsSource
                    + " says " + weights);
        }
    }

    private static long[] shape(Map<String, SafeTensors.Tensor> tensors, String name, String weightsSource) throws IOException {
        SafeTensors.Tensor t = tensors.get(name);
        if (t == null) {
            throw new IOException(weightsSource + ": no tensor '" + name + "' (with or without the _orig_mod.model.inner. prefix)");
        }
        return t.shape();
    }

    /** How many layers {@code layers.K.} the tensors hold under a prefix. */
    private static int layers(Map<String, SafeTensors.Tensor> tensors, String prefix) {
        return (int) tensors.keySet().stream().filter(n -> n.startsWith(prefix))
                .map(n -> n.substring(prefix.length(), n.indexOf('.', prefix.length()))).distinct().count();
    }

    /** Typed reads of the arch fields, naming the field on an error; {@code ${.x}} resolves to sibling x. */
    private static final class Fields {
        private final JsonNode node;
        private final String source;

        Fields(JsonNode node, String source) {
            this.node = node;
            this.source = source;
        }

        String where(String field) {
            return source + ": arch." + field;
        }

        private String raw(String field, Object fallback) throws IOException {
            JsonNode v = node.get(field);
            if (v == null || v.isNull()) {
                if (fallback == null) {
                    throw new IOException(where(field) + " is missing");
                }
                return fallback.toString();
            }
            String text = v.asText();
            Matcher m = SIBLING.matcher(text);
            if (m.matches() && !m.group(1).equals(field)) {
                return raw(m.group(1), fallback);
            }
            return text;
        }

        String text(String field, String fallback) throws IOException {
            return raw(field, fallback);
        }

        int integer(String field, Integer fallback) throws IOException {
            return parsed(field, fallback, Integer::parseInt, "a whole number");
        }

        float real(String field, Float fallback) throws IOException {
            return parsed(field, fallback, Float::parseFloat, "a number");
        }

        private <T> T parsed(String field, Object fallback, java.util.function.Function<String, T> parse, String kind)
                throws IOException {
            String v = raw(field, fallback);
            try {
                return parse.apply(v);
            } catch (NumberFormatException e) {
                throw new IOException(where(field) + " is '" + v + "', not " + kind, e);
            }
        }

        boolean bool(String field, Boolean fallback) throws IOException {
            String v = raw(field, fallback).toLowerCase(Locale.ROOT);
            if (!v.equals("true") && !v.equals("false")) {
                throw new IOException(where(field) + " is '" + v + "', not true or false");
            }
            return Boolean.parseBoolean(v);
        }
    }

    /** An arch node from {@code field=value} options (the same names as all_config.yaml's arch section). */
    public static JsonNode fromOptions(Map<String, String> fields) {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        fields.forEach(node::put);
        return node;
    }
}
