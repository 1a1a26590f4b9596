package dev.trm.model;

/**
 * Which recursion a model runs. Both carry an answer y and a latent z and update them in the same
 * order (n updates of z from y + x, then one of y from z, T times); they differ in who updates y.
 */
public enum Architecture {
    /** TRM: one network updates both z and y; the last round is back-propagated whole; halts when q_halt > 0. */
    TRM,
    /**
     * HRM: z is updated by the L network, y by a second, H network; only the last z and y updates are
     * back-propagated (the one-step gradient); halts when q_halt > q_continue.
     */
    HRM;

    /** The reference's short name: trm, hrm. */
    public String id() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
