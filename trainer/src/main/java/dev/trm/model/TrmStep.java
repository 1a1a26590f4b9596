package dev.trm.model;

import java.util.Arrays;
import java.util.function.Supplier;

/**
 * One supervision step of TRM, {@code (x, y, z) -> (y', z', logits, q_halt, q_continue)}, written
 * once against {@link TensorOps}. Follows the reference {@code trm.py}:
 *
 * <pre>
 *   x = input embedding (tokens, puzzle row), scaled by sqrt(D)
 *   repeat T times (the first T-1 without gradient):
 *       repeat n times: z = net(z + (y + x))
 *       y = net(y + z)
 *   logits = lm_head(y without the puzzle prefix);  q = q_head(y[0])
 *   y' = detach(y), z' = detach(z)
 * </pre>
 *
 * where {@code net} is the one network: {@code layers} post-norm blocks, each a sequence mixer
 * (attention with RoPE, or a token-mixing SwiGLU normalised over the sequence axis) followed by a
 * channel SwiGLU; RMSNorm without weight; no biases but the Q head's.
 *
 * <p>HRM ({@code hrm.py}) is the same loop with a second network: z is updated by the L network, y by
 * the H network, and only the last z update and the y update carry gradient.
 */
public final class TrmStep {
    /** Every norm is over the last axis: the hidden one of [B, L, D], the sequence one of the MLP-mixer's [B, D, L]. */
    private static final int LAST_AXIS = -1;
    /** The reference scales (tokens + learned positions) by this literal, 1/sqrt(2) to 9 digits. */
    private static final float LEARNED_POSITION_SCALE = 0.707106781f;

    /** The two networks of HRM; TRM has only L, which updates y too. */
    private enum Level { L, H }

    /** The step's results. {@code y}, {@code z} are detached; q are [B] logits. */
    public record Outputs<T>(T y, T z, T logits, T qHalt, T qContinue) {
    }

    private final TrmConfig config;
    private final float[] ropeCos;
    private final float[] ropeSin;
    private final float[] prefixMask;

    public TrmStep(TrmConfig config) {
        this.config = config;
        int len = config.workingLength();
        int hd = config.headSize();
        this.ropeCos = new float[len * hd];
        this.ropeSin = new float[len * hd];
        int half = hd / 2;
        for (int p = 0; p < len; p++) {
            for (int i = 0; i < half; i++) {
                double invFreq = 1.0 / Math.pow(config.ropeTheta(), (2.0 * i) / hd);
                // the reference computes the angle table in fp32
                float angle = (float) p * (float) invFreq;
                float cos = (float) Math.cos(angle);
                float sin = (float) Math.sin(angle);
                ropeCos[p * hd + i] = cos;
                ropeCos[p * hd + half + i] = cos;
                ropeSin[p * hd + i] = sin;
                ropeSin[p * hd + half + i] = sin;
            }
        }
        this.prefixMask = new float[config.puzzleEmbLen()];
        prefixMask[0] = 1f;
    }

    public TrmConfig config() {
        return config;
    }

    /** The puzzle-embedding rows of a batch of int64 ids [B]: [B, D]. */
    public <T> T puzzleRows(TensorOps<T> ops, T puzzleIds) {
        try (TensorOps.Scope s = ops.scope("puzzle_emb")) {
            return ops.embedding(ops.param(TrmParameters.PUZZLE_EMB), puzzleIds);
        }
    }

    /**
     * Runs one supervision step.
     *
     * @param tokens     int64 [B, S]
     * @param puzzleRows float [B, D], see {@link #puzzleRows}
     * @param y          float [B, L, D], the answer state
     * @param z          float [B, L, D], the latent state
     */
    public <T> Outputs<T> forward(TensorOps<T> ops, T tokens, T puzzleRows, T y, T z) {
        T x = inputEmbedding(ops, tokens, puzzleRows);
        State<T> state = new State<>(y, z);
        for (int t = 0; t < config.hCycles() - 1; t++) {
            final int round = t;
            final State<T> in = state;
            state = ops.withoutGradient(() -> round(ops, in, x, round));
        }
        state = round(ops, state, x, config.hCycles() - 1);
        T yOut = state.y();
        T zOut = state.z();
        try (TensorOps.Scope s = ops.scope("heads")) {
            T answerRows = ops.slice(yOut, 1, config.puzzleEmbLen(), config.workingLength());
            T logits = ops.linear(answerRows, ops.param(TrmParameters.LM_HEAD));
            T first = ops.slice(yOut, 1, 0, 1);
            T q = ops.reshape(ops.add(ops.linear(first, ops.param(TrmParameters.Q_HEAD_W)),
                    ops.param(TrmParameters.Q_HEAD_B)), -1, 2);
            T qHalt = ops.reshape(ops.slice(q, 1, 0, 1), -1);
            T qContinue = ops.reshape(ops.slice(q, 1, 1, 2), -1);
            return new Outputs<>(ops.detach(yOut), ops.detach(zOut), logits, qHalt, qContinue);
        }
    }

    /** Token embedding behind the puzzle prefix (row 0 the puzzle vector, the rest zeros), times sqrt(D). */
    public <T> T inputEmbedding(TensorOps<T> ops, T tokens, T puzzleRows) {
        int d = config.hiddenSize();
        try (TensorOps.Scope s = ops.scope("input")) {
            T tokenRows = ops.embedding(ops.param(TrmParameters.EMBED_TOKENS), tokens);
            T mask = ops.constant("prefix_mask", prefixMask, 1, config.puzzleEmbLen(), 1);
            T prefix = ops.mul(ops.reshape(puzzleRows, -1, 1, d), mask);
            T x = ops.concat(Arrays.asList(prefix, tokenRows), 1);
            if (config.posEncoding() == PosEncoding.LEARNED) {
                x = ops.scale(ops.add(x, ops.param(TrmParameters.EMBED_POS)), LEARNED_POSITION_SCALE);
            }
            return ops.scale(x, (float) Math.sqrt(d));
        }
    }

    /** The answer y and the latent z carried between rounds and steps. */
    private record State<T>(T y, T z) {
    }

    /**
     * One round: n updates of z from (y + x), then one of y from z. In HRM's last round the z updates
     * before the last run without gradient (the one-step gradient); in TRM's the whole round has it.
     */
    private <T> State<T> round(TensorOps<T> ops, State<T> state, T x, int t) {
        T y = state.y();
        T z = state.z();
        boolean oneStepGradient = config.architecture() == Architecture.HRM && t == config.hCycles() - 1;
        for (int i = 0; i < config.lCycles(); i++) {
            final T zIn = z;
            final String scope = "h" + t + ".z" + i;
            Supplier<T> update = () -> ops.scoped(scope, () -> net(ops, zIn, ops.add(y, x), Level.L));
            z = oneStepGradient && i < config.lCycles() - 1 ? ops.withoutGradient(update) : update.get();
        }
        final T zNow = z;
        Level yNet = config.architecture() == Architecture.HRM ? Level.H : Level.L;
        return new State<>(ops.scoped("h" + t + ".y", () -> net(ops, y, zNow, yNet)), z);
    }

    /** A network: f(hidden, injection) = blocks(hidden + injection). */
    private <T> T net(TensorOps<T> ops, T hidden, T injection, Level level) {
        T h = ops.add(hidden, injection);
        int layers = level == Level.H ? config.hLayers() : config.layers();
        for (int layer = 0; layer < layers; layer++) {
            // HRM's H blocks are scoped apart so that the recorded graph's node names stay unique
            try (TensorOps.Scope s = ops.scope(level == Level.H ? "hblock" + layer : "block" + layer)) {
                h = block(ops, h, level == Level.H ? TrmParameters.hBlock(layer) : TrmParameters.block(layer));
            }
        }
        return h;
    }

    private <T> T block(TensorOps<T> ops, T h, String p) {
        if (config.variant() == Variant.ATTENTION) {
            try (TensorOps.Scope s = ops.scope("attn")) {
                h = rmsNorm(ops, ops.add(h, attention(ops, h, p)), LAST_AXIS);
            }
        } else {
            try (TensorOps.Scope s = ops.scope("mlp_t")) {
                // as the reference: transposed to [B, D, L], the SwiGLU and the norm over L, and back. Each
                // product then has the batch in its rows, as every other product of the step, so a row's
                // result is the same bits alone as in any batch (ONNX Runtime's CPU products and norms over
                // the last axis; products with the weight on the left and reductions over the middle axis
                // round a batch of one differently on two threads)
                T t = ops.permute(h, 0, 2, 1);
                t = rmsNorm(ops, ops.add(t, swiglu(ops, t, p + "mlp_t.", config.hiddenSize(), config.workingLength())), LAST_AXIS);
                h = ops.permute(t, 0, 2, 1);
            }
        }
        try (TensorOps.Scope s = ops.scope("mlp")) {
            return rmsNorm(ops, ops.add(h, swiglu(ops, h, p + "mlp.", config.workingLength(), config.hiddenSize())), LAST_AXIS);
        }
    }

    /**
     * SwiGLU over the last axis (of {@code features} values, {@code rows} of them per puzzle): down(silu(h
     * gate^T) * (h up^T)), where gate and up are the two halves of the gate_up_proj rows. Splitting the
     * weight (a constant) rather than the product saves a copy of the largest activation. The products run
     * on the puzzles' rows as one matrix, [B * rows, features]: fed straight from a transpose, ONNX Runtime
     * would fold the transpose into the product, which then runs as B small transposed products (a step
     * at batch 32 up to a quarter slower in ONNX Runtime's profile, 2026-12-06).
     */
    private <T> T swiglu(TensorOps<T> ops, T h, String p, int rows, int features) {
        T gateUp = ops.param(p + "gate_up_proj.weight");
        long inter = config.swigluInter(features);
        T x = ops.reshape(h, -1, features);
        T gate = ops.linear(x, ops.slice(gateUp, 0, 0, inter));
        T up = ops.linear(x, ops.slice(gateUp, 0, inter, 2 * inter));
        return ops.reshape(ops.linear(ops.mul(silu(ops, gate), up), ops.param(p + "down_proj.weight")), -1, rows, features);
    }

    private static <T> T silu(TensorOps<T> ops, T x) {
        return ops.mul(x, ops.sigmoid(x));
    }

    private <T> T attention(TensorOps<T> ops, T h, String p) {
        int len = config.workingLength();
        int heads = config.heads();
        int hd = config.headSize();
        T qkv = ops.linear(h, ops.param(p + "self_attn.qkv_proj.weight"));
        qkv = ops.permute(ops.reshape(qkv, -1, len, 3L * heads, hd), 0, 2, 1, 3); // [B, 3H, L, hd]
        T q = ops.slice(qkv, 1, 0, heads);
        T k = ops.slice(qkv, 1, heads, 2L * heads);
        if (config.posEncoding() == PosEncoding.ROPE) {
            q = rope(ops, q);
            k = rope(ops, k);
        }
        T v = ops.slice(qkv, 1, 2L * heads, 3L * heads);
        T scores = ops.scale(ops.matMul(q, ops.permute(k, 0, 1, 3, 2)), (float) (1 / Math.sqrt(hd)));
        T out = ops.matMul(ops.softmaxLastAxis(scores), v); // [B, H, L, hd]
        out = ops.reshape(ops.permute(out, 0, 2, 1, 3), -1, len, config.hiddenSize());
        return ops.linear(out, ops.param(p + "self_attn.o_proj.weight"));
    }

    /** Rotate-half RoPE: x cos + rotate_half(x) sin, tables [L, hd]. */
    private <T> T rope(TensorOps<T> ops, T x) {
        int hd = config.headSize();
        int len = config.workingLength();
        T cos = ops.constant("rope_cos", ropeCos, len, hd);
        T sin = ops.constant("rope_sin", ropeSin, len, hd);
        T rotated = ops.concat(Arrays.asList(ops.neg(ops.slice(x, 3, hd / 2, hd)), ops.slice(x, 3, 0, hd / 2)), 3);
        return ops.add(ops.mul(x, cos), ops.mul(rotated, sin));
    }

    /** x / sqrt(mean(x^2) + eps) over one axis; no weight. */
    private <T> T rmsNorm(TensorOps<T> ops, T x, int axis) {
        T meanSquare = ops.mean(ops.mul(x, x), axis);
        return ops.div(x, ops.sqrt(ops.addScalar(meanSquare, config.normEps())));
    }
}
