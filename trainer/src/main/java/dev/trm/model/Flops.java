package dev.trm.model;

/**
 * Floating-point operations of the TRM step, counted as 2 per multiply-accumulate over the linear
 * layers and the attention matrix products (norms, RoPE, softmax and element-wise work ignored),
 * per sample:
 * <pre>
 *   MLP token mixer, per layer:   6 D L I_L          (gate_up L -> 2 I_L and down I_L -> L, for D channels)
 *   attention, per layer:         8 L D^2 + 4 L^2 D  (qkv, o_proj; scores and weighted sum)
 *   channel SwiGLU, per layer:    6 L D I            (gate_up D -> 2 I and down I -> D)
 *   one block:                    mixer + channel
 *   one step (inference):         T (n x layers + y layers) blocks + 2 S D V (lm_head) + 4 D (q_head)
 *   one training step:            inference + 2 x the blocks under gradient
 * </pre>
 * with L the working length (S + puzzle prefix), I and I_L the SwiGLU intermediate sizes. TRM's y
 * update runs its one network ({@code layers} blocks) and its last round is under gradient; HRM's runs
 * the H network ({@code hLayers} blocks) and only its last z and y updates are.
 */
public final class Flops {
    private Flops() {
    }

    /** One call of the L network (TRM's one network). */
    public static double perNetworkCall(TrmConfig c) {
        return c.layers() * perBlock(c);
    }

    /** One post-norm block: sequence mixer and channel SwiGLU. */
    public static double perBlock(TrmConfig c) {
        double d = c.hiddenSize();
        double len = c.workingLength();
        double mixer = c.variant() == Variant.MLP
                ? 6 * d * len * c.swigluInter(c.workingLength())
                : 8 * len * d * d + 4 * len * len * d;
        double channel = 6 * len * d * c.swigluInter(c.hiddenSize());
        return mixer + channel;
    }

    /** Blocks run by one y update: TRM's one network, or HRM's H network. */
    private static int yLayers(TrmConfig c) {
        return c.architecture() == Architecture.HRM ? c.hLayers() : c.layers();
    }

    public static double heads(TrmConfig c) {
        return 2.0 * c.seqLen() * c.hiddenSize() * c.vocabSize() + 4.0 * c.hiddenSize();
    }

    /** One supervision step of inference, per sample. */
    public static double perStep(TrmConfig c) {
        return c.hCycles() * (c.lCycles() * c.layers() + yLayers(c)) * perBlock(c) + heads(c);
    }

    /** One training step per sample: the forward step plus the backward pass of what runs under gradient (2x its forward). */
    public static double perTrainingStep(TrmConfig c) {
        int zUpdates = c.architecture() == Architecture.HRM ? 1 : c.lCycles();
        return perStep(c) + 2 * ((zUpdates * c.layers() + yLayers(c)) * perBlock(c) + heads(c));
    }
}
