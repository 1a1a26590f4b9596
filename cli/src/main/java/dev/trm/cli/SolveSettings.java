package dev.trm.cli;

import dev.trm.runtime.Effort;
import dev.trm.runtime.HaltPolicy;
import dev.trm.runtime.SolveSpec;
import picocli.CommandLine.Option;

/** How a model solves: when a copy stops, how much test-time compute a puzzle may take, and the exact fallback. */
final class SolveSettings {
    @Option(names = "--policy", defaultValue = SolveSpec.DEFAULT_POLICY,
            description = "when a copy stops: fixed, q-halt[:P], verified, or A+B (default: ${DEFAULT-VALUE})")
    String policy;

    @Option(names = "--effort", defaultValue = SolveSpec.DEFAULT_EFFORT,
            description = "test-time compute: plain (one copy, N_sup steps), adaptive (more copies and steps only for puzzles one"
                    + " copy does not verify), max (adaptive, then 32 copies for 4 N_sup with noisy starts: hard puzzles), or"
                    + " stages COPIESxSTEPS,... with STEPS a number or N, 2N, ... and ~SIGMA for noisy copies; @votes, @halt or"
                    + " @weighted after it: how the answer is picked when no copy is verified (default: ${DEFAULT-VALUE})")
    String effort;

    @Option(names = "--fallback", defaultValue = SolveSpec.DEFAULT_FALLBACK,
            description = "none, or exact: the exact solver completes a puzzle the model did not verify (reported as such)")
    String fallback;

    @Option(names = "--seed", defaultValue = "0", description = "seed of the copies' augmentations (default: ${DEFAULT-VALUE})")
    long seed;

    HaltPolicy policy() {
        return spec().policy();
    }

    Effort effort() {
        return spec().effort();
    }

    /** The three settings, checked (a bad one is named as its option). */
    SolveSpec spec() {
        try {
            return SolveSpec.parse(policy, effort, fallback, seed);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--" + e.getMessage(), e);
        }
    }

    /** Checks every option now, so a bad one is an error even where it would not be used. */
    void validate() {
        policy();
        effort();
    }
}
