package dev.trm.serve;

import dev.trm.runtime.Effort;
import dev.trm.runtime.HaltPolicy;

/**
 * How a puzzle is to be solved, as {@code trm solve}'s options and a solve request name it: when a
 * copy stops, how much test-time compute it may take, and whether the exact solver completes it.
 *
 * @param policy when a copy stops
 * @param effort test-time compute, with its seed and fallback
 */
public record SolveSpec(HaltPolicy policy, Effort effort) {
    /** The defaults of {@code trm solve} and of a solve request. */
    public static final String DEFAULT_POLICY = "verified+q-halt";
    public static final String DEFAULT_EFFORT = "adaptive";
    public static final String DEFAULT_FALLBACK = "none";

    public SolveSpec {
        if (policy == null || effort == null) {
            throw new IllegalArgumentException("a solve needs a policy and an effort");
        }
    }

    /**
     * Parses the three settings by name; a bad one is an {@link IllegalArgumentException} naming it.
     *
     * @param fallback {@code none}, or {@code exact}: the exact solver completes a puzzle the model did not verify
     */
    public static SolveSpec parse(String policy, String effort, String fallback, long seed) {
        boolean exact;
        switch (fallback) {
            case "none": exact = false; break;
            case "exact": exact = true; break;
            default: throw new IllegalArgumentException("fallback: expected none or exact, got '" + fallback + "'");
        }
        HaltPolicy p;
        try {
            p = HaltPolicy.parse(policy);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("policy: " + e.getMessage(), e);
        }
        Effort ef;
        try {
            ef = Effort.parse(effort);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("effort: " + e.getMessage(), e);
        }
        return new SolveSpec(p, ef.withSeed(seed).withFallback(exact));
    }

    /** The defaults: {@value #DEFAULT_POLICY}, {@value #DEFAULT_EFFORT}, no fallback, seed 0. */
    public static SolveSpec defaults() {
        return parse(DEFAULT_POLICY, DEFAULT_EFFORT, DEFAULT_FALLBACK, Effort.DEFAULT_SEED);
    }
}
