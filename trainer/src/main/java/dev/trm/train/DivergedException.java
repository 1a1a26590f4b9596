package dev.trm.train;

/** A training run whose loss or gradients stopped being finite: it cannot go on, and says where it stopped. */
public final class DivergedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public DivergedException(String message) {
        super(message);
    }
}
