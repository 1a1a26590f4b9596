package dev.trm.task;

/**
 * One seed from three numbers (a run's seed, a position, a stream), mixed by the SplitMix64
 * finaliser: neighbouring inputs give unrelated seeds, and the same inputs the same seed. Every
 * derived random choice of the toolkit (copies' augmentations, training order and augmentation,
 * generated puzzles) draws its seed here.
 */
public final class SeedMix {
    private SeedMix() {
    }

    public static long mix(long a, long b, long c) {
        long z = a * 0x9E3779B97F4A7C15L + b * 0xBF58476D1CE4E5B9L + c * 0x94D049BB133111EBL;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
