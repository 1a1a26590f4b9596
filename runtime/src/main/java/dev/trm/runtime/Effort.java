package dev.trm.runtime;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * How much test-time compute a puzzle may take: stages of (copies, steps per copy). A puzzle starts
 * in the first stage; when every copy has stopped without a verified answer, it moves to the next
 * stage, where the copies it has go on to the new step budget (keeping their state) and new
 * copies, under fresh augmentations, join. A copy whose answer the task's checker verifies ends
 * its puzzle at once. After the last stage the answer is chosen from the copies' answers as its
 * {@link Pick} says (by votes unless told otherwise).
 *
 * <p>{@link #plain()} is one copy for the model's N_sup steps: the paper's solve. The default of the
 * command line and the app, {@link #adaptive()}, pays for copies only on puzzles one copy could
 * not verify.
 *
 * @param stages   at least one; copies and steps never decrease from one stage to the next
 * @param seed     seeds the augmentations (with the copy number and the puzzle's text)
 * @param fallback whether the task's exact solver completes a puzzle the model could not verify
 *                 (the solution then says so; model-only figures must not count it)
 * @param pick     how the answer is chosen from the copies when none was verified
 * @param checked  whether the task's checker may end a puzzle (false: every copy runs until its policy or
 *                 budget stops it, and the pick chooses, as for a task without a checker)
 */
public record Effort(List<Stage> stages, long seed, boolean fallback, Pick pick, boolean checked) {
    /** The seed of the presets. */
    public static final long DEFAULT_SEED = 0;
    /** Copies and steps (as multiples of N_sup) of the adaptive preset's later stages. */
    private static final int ADAPTIVE_COPIES_2 = 4;
    private static final int ADAPTIVE_NSUP_2 = 2;
    private static final int ADAPTIVE_COPIES_3 = 8;
    private static final int ADAPTIVE_NSUP_3 = 4;
    /**
     * The last stage of {@link #max()}: copies, steps as a multiple of N_sup, and the noise on z. More
     * trajectories of adaptive's length beat fewer, longer ones at the same cost (docs/test-time-compute.md).
     */
    private static final int MAX_COPIES = 32;
    private static final int MAX_NSUP = 4;
    private static final float MAX_NOISE_SIGMA = 0.3f;
    /**
     * The pick of {@link #max()}: among noisy copies, which often agree on a wrong answer, the surest copy
     * was right as often as any copy was, and the vote was not (docs/test-time-compute.md).
     */
    private static final Pick MAX_PICK = Pick.HALT;
    /**
     * The most copies a stage written on a command line or in a request may ask for: each copy is a
     * lane of the batch (its y and z rows), so an unbounded number would only exhaust memory.
     */
    public static final int MAX_WRITTEN_COPIES = 1024;
    /** The most supervision steps one copy may be given (about two hours of a lone copy here). */
    public static final int MAX_STEPS = 1_000_000;
    /** The largest latent noise a stage may ask for (z_init's entries have a standard deviation near 1). */
    public static final float MAX_NOISE = 10f;
    /** How a noisy stage is written after its budget: {@code 16x4N~0.3}, with {@code +sym} for symmetry copies too. */
    private static final String NOISE_MARK = "~";
    private static final String SYMMETRY_MARK = "+sym";
    /** How the pick is written after an effort: {@code max@halt}. */
    private static final String PICK_MARK = "@";

    /**
     * One stage. Its step budget, counted from a copy's start, is either a number of steps or a
     * multiple of the model's N_sup (exactly one of the two is positive). The copies a stage adds are
     * symmetry copies (the task's augmentations), or with {@code noise} above 0 copies whose latent z
     * starts from z_init plus seeded Gaussian noise of that standard deviation: of the puzzle as given,
     * or with {@code symmetric} under the augmentations too; with {@code everyStep} fresh noise of the
     * same size is added to z after each of their steps as well. Copy 0 is always the puzzle as given,
     * without noise.
     *
     * @param copies       copies of the puzzle running in this stage (the first is the puzzle as given)
     * @param steps        supervision steps each copy may take, or 0
     * @param nSupMultiple the budget as a multiple of N_sup, or 0
     * @param noise        standard deviation of the noise on the starting z of the copies this stage adds
     * @param symmetric    whether the copies this stage adds are augmented (always, without noise)
     * @param everyStep    whether the noise is added after every step too, not only at the start
     */
    public record Stage(int copies, int steps, int nSupMultiple, float noise, boolean symmetric, boolean everyStep) {
        public Stage {
            if (!(noise >= 0 && noise <= MAX_NOISE)) {
                throw new IllegalArgumentException("a stage's latent noise is between 0 and " + MAX_NOISE + ", got " + noise);
            }
            if (noise == 0 && !symmetric) {
                throw new IllegalArgumentException("copies without noise are symmetry copies (otherwise they would all be the same)");
            }
            if (copies < 1) {
                throw new IllegalArgumentException("a stage needs at least one copy, got " + copies);
            }
            if (steps < 0 || nSupMultiple < 0 || (steps > 0) == (nSupMultiple > 0)) {
                throw new IllegalArgumentException("a stage's budget is a positive number of steps or a positive multiple of "
                        + "N_sup, got steps " + steps + " and multiple " + nSupMultiple);
            }
            if (steps > MAX_STEPS || nSupMultiple > MAX_STEPS) {
                throw new IllegalArgumentException("a stage's budget is at most " + MAX_STEPS + " steps per copy, got "
                        + (steps > 0 ? steps + " steps" : nSupMultiple + " N_sup"));
            }
        }

        /** {@code copies} copies of {@code steps} steps each. */
        public static Stage steps(int copies, int steps) {
            return new Stage(copies, steps, 0, 0f, true, false);
        }

        /** {@code copies} copies of {@code multiple} x N_sup steps each. */
        public static Stage nSup(int copies, int multiple) {
            return new Stage(copies, 0, multiple, 0f, true, false);
        }

        /**
         * The same stage whose new copies start from a z with noise {@code sigma} (and get more after every
         * step with {@code everyStep}): of the puzzle as given, or also augmented.
         */
        public Stage withNoise(float sigma, boolean alsoSymmetric, boolean everyStep) {
            return new Stage(copies, steps, nSupMultiple, sigma, sigma == 0 || alsoSymmetric, sigma > 0 && everyStep);
        }

        /** The step budget for a model with this N_sup; past {@link #MAX_STEPS} it is an error, not an overflow. */
        public int budget(int nSup) {
            long b = steps > 0 ? steps : (long) nSupMultiple * nSup;
            if (b > MAX_STEPS) {
                throw new IllegalArgumentException("effort stage " + this + ": " + b + " steps per copy (N_sup " + nSup + "), more than the "
                        + MAX_STEPS + " a copy may take");
            }
            return (int) b;
        }

        @Override
        public String toString() {
            return copies + (copies == 1 ? " copy" : " copies") + " x " + (steps > 0 ? steps + " steps" : nSupMultiple + " N_sup")
                    + (noise > 0 ? ", z noise " + noise + (everyStep ? " every step" : "") + (symmetric ? " under symmetries" : "") : "");
        }
    }

    public Effort {
        if (stages == null || stages.isEmpty()) {
            throw new IllegalArgumentException("an effort needs at least one stage");
        }
        if (pick == null) {
            throw new IllegalArgumentException("an effort needs a pick (Pick.VOTES is the reference's)");
        }
        if (fallback && !checked) {
            throw new IllegalArgumentException("the exact fallback completes puzzles the checker did not verify: it needs the checker");
        }
        stages = Collections.unmodifiableList(new ArrayList<>(stages));
    }

    /** One copy, N_sup steps: the solve the model was trained for. */
    public static Effort plain() {
        return of(Stage.nSup(1, 1));
    }

    /** One copy that may think for {@code steps} supervision steps (more than N_sup is allowed). */
    public static Effort think(int steps) {
        return of(Stage.steps(1, steps));
    }

    /** {@code copies} copies at once, each for {@code steps} steps. */
    public static Effort copies(int copies, int steps) {
        return of(Stage.steps(copies, steps));
    }

    /**
     * The measured default: one copy for N_sup steps; a puzzle it does not verify then runs as 4
     * copies for 2 N_sup steps, then as 8 copies for 4 N_sup steps.
     */
    public static Effort adaptive() {
        return of(Stage.nSup(1, 1), Stage.nSup(ADAPTIVE_COPIES_2, ADAPTIVE_NSUP_2), Stage.nSup(ADAPTIVE_COPIES_3, ADAPTIVE_NSUP_3));
    }

    /**
     * For hard puzzles ("think longer"): {@link #adaptive()}, then 32 copies for 4 N_sup steps, the 24 new
     * ones symmetry copies with noise 0.3 on z at the start and after every step, and an unverified puzzle
     * answered by its surest copy ({@code 1xN,4x2N,8x4N,32x4N~~0.3+sym@halt}), chosen from the curves in
     * docs/test-time-compute.md.
     */
    public static Effort max() {
        return of(Stage.nSup(1, 1), Stage.nSup(ADAPTIVE_COPIES_2, ADAPTIVE_NSUP_2), Stage.nSup(ADAPTIVE_COPIES_3, ADAPTIVE_NSUP_3),
                Stage.nSup(MAX_COPIES, MAX_NSUP).withNoise(MAX_NOISE_SIGMA, true, true)).withPick(MAX_PICK);
    }

    /**
     * An effort by its command-line name: {@code plain}, {@code adaptive}, {@code max}, or stages written
     * {@code COPIESxSTEPS} separated by commas, where STEPS is a number or a multiple of N_sup
     * ({@code N}, {@code 2N}): for example {@code 1xN,4x2N,8x4N} (the adaptive preset) or {@code 1x24}.
     * A stage of noisy copies adds {@code ~SIGMA} ({@code 16x4N~0.3}: copies of the puzzle as given whose
     * z starts with noise 0.3), {@code ~~SIGMA} for noise after every step as well, and {@code +sym} for
     * noisy symmetry copies ({@code 16x4N~0.3+sym}). {@code @PICK} after any of these chooses how the answer is
     * picked when no copy is verified ({@code max@halt}; {@link Pick}).
     */
    public static Effort parse(String text) {
        int mark = text.lastIndexOf(PICK_MARK);
        if (mark < 0) {
            return parseStages(text);
        }
        Pick pick;
        try {
            pick = Pick.parse(text.substring(mark + 1));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("effort '" + text + "': " + e.getMessage(), e);
        }
        return parseStages(text.substring(0, mark)).withPick(pick);
    }

    private static Effort parseStages(String text) {
        String t = text.trim();
        if (t.equals("plain")) {
            return plain();
        }
        if (t.equals("adaptive")) {
            return adaptive();
        }
        if (t.equals("max")) {
            return max();
        }
        List<Stage> stages = new ArrayList<>();
        for (String part : t.split(",", -1)) { // -1: a trailing comma is an empty stage, refused below
            String stage = part.trim();
            boolean symmetric = stage.endsWith(SYMMETRY_MARK);
            if (symmetric) {
                stage = stage.substring(0, stage.length() - SYMMETRY_MARK.length());
            }
            float noise = 0;
            int mark = stage.indexOf(NOISE_MARK);
            boolean everyStep = mark >= 0 && stage.startsWith(NOISE_MARK, mark + 1);
            if (mark >= 0) {
                try {
                    noise = Float.parseFloat(stage.substring(mark + (everyStep ? 2 : 1)));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("effort '" + text + "': after ~ comes the noise's standard deviation, got '"
                            + stage.substring(mark + (everyStep ? 2 : 1)) + "'", e);
                }
                stage = stage.substring(0, mark);
            } else if (symmetric) {
                throw new IllegalArgumentException("effort '" + text + "': +sym belongs to a noisy stage (~SIGMA+sym)");
            }
            String[] cs = stage.split("x");
            try {
                if (cs.length != 2) {
                    throw new NumberFormatException();
                }
                int copies = Integer.parseInt(cs[0].trim());
                if (copies > MAX_WRITTEN_COPIES) {
                    throw new IllegalArgumentException("effort '" + text + "': " + copies + " copies in a stage, more than the "
                            + MAX_WRITTEN_COPIES + " allowed (each copy is a lane of the batch)");
                }
                String steps = cs[1].trim();
                Stage s;
                if (steps.endsWith("N")) {
                    String m = steps.substring(0, steps.length() - 1);
                    s = Stage.nSup(copies, m.isEmpty() ? 1 : Integer.parseInt(m));
                } else {
                    s = Stage.steps(copies, Integer.parseInt(steps));
                }
                stages.add(s.withNoise(noise, symmetric, everyStep));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("effort '" + text + "': expected plain, adaptive, max or stages like 1xN,4x2N,8x24,16x4N~0.3"
                        + " (COPIESxSTEPS, STEPS a number or a multiple of N_sup written N, 2N, ...; ~SIGMA for noisy copies)");
            }
        }
        return new Effort(stages, DEFAULT_SEED, false, Pick.VOTES, true);
    }

    /** One copy per augmentation the puzzle has, each for N_sup steps (ARC: every trained variant of the task votes). */
    public static Effort everyAugmentation() {
        return of(Stage.nSup(Integer.MAX_VALUE, 1));
    }

    public static Effort of(Stage... stages) {
        return new Effort(Arrays.asList(stages), DEFAULT_SEED, false, Pick.VOTES, true);
    }

    public Effort withSeed(long s) {
        return new Effort(stages, s, fallback, pick, checked);
    }

    public Effort withFallback(boolean on) {
        return new Effort(stages, seed, on, pick, checked);
    }

    public Effort withPick(Pick p) {
        return new Effort(stages, seed, fallback, p, checked);
    }

    /** The same effort with the task's checker allowed to end a puzzle, or not (then the pick chooses every answer). */
    public Effort withChecker(boolean on) {
        return new Effort(stages, seed, fallback, pick, on);
    }

    /** The most copies any stage runs of one puzzle (each a lane of the batch). */
    public int maxCopies() {
        return stages.stream().mapToInt(Stage::copies).max().orElse(0);
    }

    /** The most supervision steps one copy may take for a model with the given N_sup (its last stage's budget). */
    public int maxStepsPerCopy(int nSup) {
        int[] b = budgets(nSup);
        return b[b.length - 1];
    }

    /** The step budgets of the stages for a model with the given N_sup, checked never to shrink. */
    int[] budgets(int nSup) {
        int[] out = new int[stages.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = stages.get(i).budget(nSup);
            if (i > 0 && (out[i] < out[i - 1] || stages.get(i).copies() < stages.get(i - 1).copies())) {
                throw new IllegalArgumentException("effort stages must not shrink: " + stages.get(i - 1) + " then " + stages.get(i)
                        + " (N_sup " + nSup + ")");
            }
        }
        return out;
    }
}
