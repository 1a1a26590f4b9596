package dev.trm.runtime;

import dev.trm.task.SeedMix;
import java.util.SplittableRandom;

/**
 * Gaussian noise on a copy's latent z, the lever of noisy trajectories ({@link Effort.Stage#noise()}).
 * A draw depends on the effort's seed, the copy, the copy's step and the puzzle's text only, so a
 * puzzle gets the same noise alone or in any batch.
 */
final class LatentNoise {
    private LatentNoise() {
    }

    /**
     * Adds noise of standard deviation {@code sigma} to {@code z} in place and returns it.
     *
     * @param afterStep the copy's steps so far (0: the noise its z starts from)
     */
    static float[] add(float[] z, float sigma, long seed, int copy, int afterStep, String puzzle) {
        SplittableRandom rng = new SplittableRandom(SeedMix.mix(SeedMix.mix(seed, copy, afterStep), ~puzzle.hashCode(), 0));
        for (int i = 0; i < z.length; i++) {
            z[i] += sigma * (float) gaussian(rng);
        }
        return z;
    }

    /** A standard normal draw (Box-Muller), from a generator that exists on Android's API 26 too. */
    private static double gaussian(SplittableRandom rng) {
        double u = 1 - rng.nextDouble(); // in (0, 1]
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.nextDouble());
    }
}
