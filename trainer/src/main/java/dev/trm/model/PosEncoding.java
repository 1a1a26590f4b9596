package dev.trm.model;

/** Where a model's tokens learn their positions (the reference's {@code pos_encodings}). */
public enum PosEncoding {
    /** Rotary embedding of q and k in attention (the reference's attention models). */
    ROPE,
    /** A learned [L, D] table added to the input embedding, the sum scaled by 1/sqrt(2). */
    LEARNED,
    /** None: the MLP-mixer's token SwiGLU is position-specific already. */
    NONE;

    /** The reference's name: rope, learned, none. */
    public String id() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** The encoding a reference name stands for. */
    public static PosEncoding of(String id) {
        for (PosEncoding p : values()) {
            if (p.id().equals(id)) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown pos_encodings '" + id + "' (rope, learned or none)");
    }
}
