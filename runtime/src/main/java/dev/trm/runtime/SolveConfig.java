package dev.trm.runtime;

import java.io.Serializable;
import java.util.Objects;

/**
 * How a puzzle is to be solved, by the names {@code trm solve}'s options and a solve request use:
 * when a copy stops, how much test-time compute it may take, whether the exact solver completes it,
 * and the seed of the copies. The names are parsed once, when it is made, into the
 * {@link HaltPolicy} and {@link Effort} it gives; it travels as the names (to a Spark executor, say)
 * and is parsed again only when Java deserializes it there.
 */
public final class SolveConfig implements Serializable {
    private static final long serialVersionUID = 2L;
    /** The defaults of {@code trm solve} and of a solve request. */
    public static final String DEFAULT_POLICY = "verified+q-halt";
    public static final String DEFAULT_EFFORT = "adaptive";
    public static final String DEFAULT_FALLBACK = "none";
    private static final String EXACT = "exact";
    /** The longest policy or effort name taken: the longest sensible one is a few dozen characters. */
    public static final int MAX_NAME_CHARS = 200;

    private final String policyName;
    private final String effortName;
    private final String fallback;
    private final long seed;
    private final transient HaltPolicy policy;
    private final transient Effort effort;

    /**
     * @param policyName {@code fixed}, {@code q-halt[:P]}, {@code verified}, or {@code A+B}
     * @param effortName {@code plain}, {@code adaptive}, {@code max}, or stages {@code COPIESxSTEPS,...}
     * @param fallback   {@code none}, or {@code exact}: the exact solver completes a puzzle the model did not verify
     * @param seed       seeds the copies' augmentations
     * @throws IllegalArgumentException naming the setting that is wrong ({@code policy: ...})
     */
    public SolveConfig(String policyName, String effortName, String fallback, long seed) {
        if (policyName == null || effortName == null || fallback == null) {
            throw new IllegalArgumentException("a solve needs a policy, an effort and a fallback");
        }
        if (policyName.length() > MAX_NAME_CHARS || effortName.length() > MAX_NAME_CHARS) {
            throw new IllegalArgumentException((policyName.length() > MAX_NAME_CHARS ? "policy" : "effort") + ": "
                    + Math.max(policyName.length(), effortName.length()) + " characters, more than the " + MAX_NAME_CHARS + " a name may have");
        }
        if (!fallback.equals(DEFAULT_FALLBACK) && !fallback.equals(EXACT)) {
            throw new IllegalArgumentException("fallback: expected none or exact, got '" + fallback + "'");
        }
        this.policyName = policyName;
        this.effortName = effortName;
        this.fallback = fallback;
        this.seed = seed;
        this.policy = parsePolicy(policyName);
        this.effort = parseEffort(effortName).withSeed(seed).withFallback(fallback.equals(EXACT));
    }

    /** The same as the constructor, in the order the options come. */
    public static SolveConfig parse(String policy, String effort, String fallback, long seed) {
        return new SolveConfig(policy, effort, fallback, seed);
    }

    /** The defaults: {@value #DEFAULT_POLICY}, {@value #DEFAULT_EFFORT}, no fallback, seed 0. */
    public static SolveConfig defaults() {
        return new SolveConfig(DEFAULT_POLICY, DEFAULT_EFFORT, DEFAULT_FALLBACK, Effort.DEFAULT_SEED);
    }

    /** After Java deserialization (a Spark executor): the policy and effort parsed again from the names. */
    private Object readResolve() {
        return new SolveConfig(policyName, effortName, fallback, seed);
    }

    public String policyName() {
        return policyName;
    }

    public String effortName() {
        return effortName;
    }

    public String fallback() {
        return fallback;
    }

    public long seed() {
        return seed;
    }

    public HaltPolicy policy() {
        return policy;
    }

    /** The effort with this configuration's seed and fallback. */
    public Effort effort() {
        return effort;
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

    @Override
    public boolean equals(Object o) {
        return o instanceof SolveConfig && ((SolveConfig) o).policyName.equals(policyName) && ((SolveConfig) o).effortName.equals(effortName)
                && ((SolveConfig) o).fallback.equals(fallback) && ((SolveConfig) o).seed == seed;
    }

    @Override
    public int hashCode() {
        return Objects.hash(policyName, effortName, fallback, seed);
    }

    @Override
    public String toString() {
        return "SolveConfig[policy=" + policyName + ", effort=" + effortName + ", fallback=" + fallback + ", seed=" + seed + "]";
    }
}
