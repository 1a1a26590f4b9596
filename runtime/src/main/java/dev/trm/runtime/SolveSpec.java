package dev.trm.runtime;

import java.io.Serializable;

/**
 * How a puzzle is to be solved, by the names {@code trm solve}'s options and a solve request use:
 * when a copy stops, how much test-time compute it may take, whether the exact solver completes it,
 * and the seed of the copies. Checked when made; it travels as these names (to a Spark executor, say)
 * and gives the policy and effort they name.
 *
 * @param policyName {@code fixed}, {@code q-halt[:P]}, {@code verified}, or {@code A+B}
 * @param effortName {@code plain}, {@code adaptive}, {@code max}, or stages {@code COPIESxSTEPS,...}
 * @param fallback   {@code none}, or {@code exact}: the exact solver completes a puzzle the model did not verify
 * @param seed       seeds the copies' augmentations
 */
public record SolveSpec(String policyName, String effortName, String fallback, long seed) implements Serializable {
    private static final long serialVersionUID = 1L;
    /** The defaults of {@code trm solve} and of a solve request. */
    public static final String DEFAULT_POLICY = "verified+q-halt";
    public static final String DEFAULT_EFFORT = "adaptive";
    public static final String DEFAULT_FALLBACK = "none";
    private static final String EXACT = "exact";

    /** @throws IllegalArgumentException naming the setting that is wrong ({@code policy: ...}) */
    public SolveSpec {
        if (policyName == null || effortName == null || fallback == null) {
            throw new IllegalArgumentException("a solve needs a policy, an effort and a fallback");
        }
        if (!fallback.equals(DEFAULT_FALLBACK) && !fallback.equals(EXACT)) {
            throw new IllegalArgumentException("fallback: expected none or exact, got '" + fallback + "'");
        }
        parsePolicy(policyName);
        parseEffort(effortName);
    }

    /** The same as the constructor, in the order the options come. */
    public static SolveSpec parse(String policy, String effort, String fallback, long seed) {
        return new SolveSpec(policy, effort, fallback, seed);
    }

    /** The defaults: {@value #DEFAULT_POLICY}, {@value #DEFAULT_EFFORT}, no fallback, seed 0. */
    public static SolveSpec defaults() {
        return new SolveSpec(DEFAULT_POLICY, DEFAULT_EFFORT, DEFAULT_FALLBACK, Effort.DEFAULT_SEED);
    }

    public HaltPolicy policy() {
        return parsePolicy(policyName);
    }

    /** The effort with this spec's seed and fallback. */
    public Effort effort() {
        return parseEffort(effortName).withSeed(seed).withFallback(fallback.equals(EXACT));
    }

    private static HaltPolicy parsePolicy(String text) {
        try {
            return HaltPolicy.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("policy: " + e.getMessage(), e);
        }
    }

    private static Effort parseEffort(String text) {
        try {
            return Effort.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("effort: " + e.getMessage(), e);
        }
    }
}
