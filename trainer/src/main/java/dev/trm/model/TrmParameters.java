package dev.trm.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Every tensor of a TRM by its official state-dict name (without the {@code _orig_mod.model.inner.}
 * prefix), its shape, its role and its reference initialisation.
 */
public final class TrmParameters {
    /** Prefix of the official checkpoint keys (torch.compile wrapper, loss head, ACT wrapper). */
    public static final String OFFICIAL_PREFIX = "_orig_mod.model.inner.";
    public static final String EMBED_TOKENS = "embed_tokens.embedding_weight";
    public static final String PUZZLE_EMB = "puzzle_emb.weights";
    public static final String H_INIT = "H_init";
    public static final String L_INIT = "L_init";
    public static final String LM_HEAD = "lm_head.weight";
    /** The learned position table [L, D] (pos_encodings learned only). */
    public static final String EMBED_POS = "embed_pos.embedding_weight";
    public static final String Q_HEAD_W = "q_head.weight";
    public static final String Q_HEAD_B = "q_head.bias";
    /** The Q head starts at "almost never halt": weight 0, bias -5. */
    public static final float Q_HEAD_BIAS_INIT = -5f;
    /** Truncation of the reference truncated normal, in raw standard deviations. */
    public static final double TRUNCATION = 2.0;
    /** Standard deviation of a standard normal truncated at +-2, used to rescale to the requested std. */
    public static final double TRUNCATED_STD = 0.8796256610342398;

    /** What updates a tensor in training. */
    public enum Role {
        /** AdamATan2 (or AdamW) and EMA. */
        TRAINABLE,
        /** Sparse sign-SGD on the rows of the batch; no EMA. */
        PUZZLE_EMBEDDING,
        /** Fixed after initialisation (y_init / z_init). */
        BUFFER
    }

    /** How a tensor starts. */
    public enum Init { TRUNCATED_NORMAL, ZEROS, CONSTANT }

    public record Spec(String name, long[] shape, Role role, Init init, float value) {
        public long size() {
            long n = 1;
            for (long d : shape) {
                n *= d;
            }
            return n;
        }
    }

    private final TrmConfig config;
    private final List<Spec> specs;

    public TrmParameters(TrmConfig config) {
        this.config = config;
        this.specs = Collections.unmodifiableList(build(config));
    }

    /** The name prefix of a layer of the L network: TRM's one network, or HRM's z updater. */
    public static String block(int layer) {
        return "L_level.layers." + layer + ".";
    }

    /** The name prefix of a layer of HRM's H network, which updates y. */
    public static String hBlock(int layer) {
        return "H_level.layers." + layer + ".";
    }

    private static List<Spec> build(TrmConfig c) {
        int d = c.hiddenSize();
        List<Spec> s = new ArrayList<>();
        s.add(normal(EMBED_TOKENS, 1 / Math.sqrt(d), c.vocabSize(), d));
        s.add(new Spec(PUZZLE_EMB, new long[] {c.numPuzzleIds(), d}, Role.PUZZLE_EMBEDDING, Init.ZEROS, 0));
        s.add(new Spec(H_INIT, new long[] {d}, Role.BUFFER, Init.TRUNCATED_NORMAL, 1f));
        s.add(new Spec(L_INIT, new long[] {d}, Role.BUFFER, Init.TRUNCATED_NORMAL, 1f));
        if (c.posEncoding() == PosEncoding.LEARNED) {
            s.add(normal(EMBED_POS, 1 / Math.sqrt(d), c.workingLength(), d));
        }
        for (int i = 0; i < c.hLayers(); i++) {
            blockSpecs(c, hBlock(i), s);
        }
        for (int i = 0; i < c.layers(); i++) {
            blockSpecs(c, block(i), s);
        }
        s.add(lecun(LM_HEAD, c.vocabSize(), d));
        s.add(new Spec(Q_HEAD_W, new long[] {2, d}, Role.TRAINABLE, Init.ZEROS, 0));
        s.add(new Spec(Q_HEAD_B, new long[] {2}, Role.TRAINABLE, Init.CONSTANT, Q_HEAD_BIAS_INIT));
        return s;
    }

    /** One block's weights: the sequence mixer's, then the channel SwiGLU's. */
    private static void blockSpecs(TrmConfig c, String b, List<Spec> s) {
        int d = c.hiddenSize();
        if (c.variant() == Variant.ATTENTION) {
            s.add(lecun(b + "self_attn.qkv_proj.weight", 3L * d, d));
            s.add(lecun(b + "self_attn.o_proj.weight", d, d));
        } else {
            int len = c.workingLength();
            int interL = c.swigluInter(len);
            s.add(lecun(b + "mlp_t.gate_up_proj.weight", 2L * interL, len));
            s.add(lecun(b + "mlp_t.down_proj.weight", len, interL));
        }
        int inter = c.swigluInter(d);
        s.add(lecun(b + "mlp.gate_up_proj.weight", 2L * inter, d));
        s.add(lecun(b + "mlp.down_proj.weight", d, inter));
    }

    private static Spec normal(String name, double std, long... shape) {
        return new Spec(name, shape, Role.TRAINABLE, Init.TRUNCATED_NORMAL, (float) std);
    }

    /** LeCun normal: std 1 / sqrt(fan_in), fan_in the last axis of an [out, in] weight. */
    private static Spec lecun(String name, long out, long in) {
        return normal(name, 1 / Math.sqrt(in), out, in);
    }

    public TrmConfig config() {
        return config;
    }

    public List<Spec> specs() {
        return specs;
    }

    public Spec spec(String name) {
        for (Spec s : specs) {
            if (s.name().equals(name)) {
                return s;
            }
        }
        throw new IllegalArgumentException("no parameter named '" + name + "'");
    }

    /** Parameters the optimizer trains (the headline count: no puzzle table, no y/z init). */
    public long trainableCount() {
        return specs.stream().filter(s -> s.role() == Role.TRAINABLE).mapToLong(Spec::size).sum();
    }

    /** Fresh values for every tensor, drawn in declaration order from one seeded generator. */
    public Map<String, float[]> initialise(long seed) {
        Random rng = new Random(seed);
        Map<String, float[]> values = new LinkedHashMap<>();
        for (Spec s : specs) {
            float[] v = new float[Math.toIntExact(s.size())];
            switch (s.init()) {
                case TRUNCATED_NORMAL:
                    double factor = s.value() / TRUNCATED_STD;
                    for (int i = 0; i < v.length; i++) {
                        v[i] = (float) (truncatedGaussian(rng) * factor);
                    }
                    break;
                case CONSTANT:
                    Arrays.fill(v, s.value());
                    break;
                default:
                    break;
            }
            values.put(s.name(), v);
        }
        return values;
    }

    /** A standard normal truncated at +-2 by rejection (the reference's distribution, exactly). */
    static double truncatedGaussian(Random rng) {
        while (true) {
            double x = rng.nextGaussian();
            if (Math.abs(x) <= TRUNCATION) {
                return x;
            }
        }
    }
}
