package dev.trm.model;

/** How a block mixes information across positions. */
public enum Variant {
    /** Token-mixing SwiGLU over the sequence axis, normalised over that axis; no positional encoding. */
    MLP,
    /** Non-causal multi-head self-attention with rotary position embedding. */
    ATTENTION
}
