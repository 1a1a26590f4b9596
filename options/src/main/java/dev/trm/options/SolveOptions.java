package dev.trm.options;

import dev.trm.runtime.Effort;
import dev.trm.runtime.HaltPolicy;
import dev.trm.runtime.SolveConfig;
import picocli.CommandLine.Option;

/**
 * How a model solves, as {@code trm solve} and {@code trm-spark} take it: when a copy stops, how much
 * test-time compute a puzzle may take, the exact fallback and the seed of the copies. Declared once
 * here, parsed once into a {@link SolveConfig}.
 */
public final class SolveOptions {
    @Option(names = "--policy", defaultValue = SolveConfig.DEFAULT_POLICY,
            description = "when a copy stops: fixed, q-halt[:P], verified, or A+B (default: ${DEFAULT-VALUE})")
    String policy;

    @Option(names = "--effort", defaultValue = SolveConfig.DEFAULT_EFFORT,
            description = "test-time compute: plain (one copy, N_sup steps), adaptive (more copies and steps only for puzzles one"
                    + " copy does not verify), max (adaptive, then 32 copies for 4 N_sup with noisy starts: hard puzzles), or"
                    + " stages COPIESxSTEPS,... with STEPS a number or N, 2N, ... and ~SIGMA for noisy copies; @votes, @halt or"
                    + " @weighted after it: how the answer is picked when no copy is verified (default: ${DEFAULT-VALUE})")
    String effort;

    @Option(names = "--fallback", defaultValue = SolveConfig.DEFAULT_FALLBACK,
            description = "none, or exact: the exact solver completes a puzzle the model did not verify (reported as such)")
    String fallback;

    @Option(names = "--seed", defaultValue = "0", description = "seed of the copies' augmentations (default: ${DEFAULT-VALUE})")
    long seed;

    private SolveConfig config;

    /** The options, checked and parsed once (a bad one is named as its option: {@code --effort: ...}). */
    public SolveConfig config() {
        if (config == null) {
            config = parse(policy, effort);
        }
        return config;
    }

    /** The options with another policy and effort (a row of an evaluation), checked as the options are. */
    public SolveConfig with(String policyName, String effortName) {
        return parse(policyName, effortName);
    }

    private SolveConfig parse(String policyName, String effortName) {
        try {
            return SolveConfig.parse(policyName, effortName, fallback, seed);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--" + e.getMessage(), e);
        }
    }

    public HaltPolicy policy() {
        return config().policy();
    }

    public Effort effort() {
        return config().effort();
    }

    /** The --policy option as given. */
    public String policyName() {
        return policy;
    }

    /** The --effort option as given. */
    public String effortName() {
        return effort;
    }

    public long seed() {
        return seed;
    }
}
