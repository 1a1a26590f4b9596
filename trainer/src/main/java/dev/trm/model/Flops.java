package dev.trm.model;

/**
 * Floating-point operations of the TRM step, counted as 2 per multiply-accumulate over the linear
 * layers and the attention matrix products (norms, RoPE, softmax and element-wise work ignored),
 * per sample:
 * <pre>
 *   MLP token mixer, per layer:   6 D L I_L          (gate_up L -> 2 I_L and down I_L -> L, for D channels)
 *   attention, per layer:         8 L D^2 + 4 L^2 D  (qkv, o_proj; scores and weighted sum)
 *   channel SwiGLU, per layer:    6 L D I            (gate_up D -> 2 I and down I -> D)
 *   one network call:             layers x (mixer + channel)
 *   one step (inference):         T (n + 1) calls + 2 S D V (lm_head) + 4 D (q_head)
 *   one training step:            inference + 2 x (n + 1) calls (backward of the last round)
 * </pre>
 * with L the working length (S + puzzle prefix), I and I_L the SwiGLU intermediate sizes.
 */
public final class Flops {
    private Flops() {
    }

    public static double perNetworkCall(TrmConfig c) {
        double d = c.hiddenSize();
        double len = c.workingLength();
        double mixer = c.variant() == Variant.MLP
                ? 6 * d * len * c.swigluInter(c.workingLength())
                : 8 * len * d * d + 4 * len * len * d;
        double channel = 6 * len * d * c.swigluInter(c.hiddenSize());
        return c.layers() * (mixer + channel);
    }

    public static double heads(TrmConfig c) {
        return 2.0 * c.seqLen() * c.hiddenSize() * c.vocabSize() + 4.0 * c.hiddenSize();
    }

    /** One supervision step of inference, per sample. */
    public static double perStep(TrmConfig c) {
        return c.callsPerStep() * perNetworkCall(c) + heads(c);
    }

    /** One training step per sample: the forward step plus the backward pass of the last round (2x its forward). */
    public static double perTrainingStep(TrmConfig c) {
        return perStep(c) + 2 * ((c.lCycles() + 1) * perNetworkCall(c) + heads(c));
    }
}
