package dev.trm.train;

import dev.trm.model.Presets;
import dev.trm.model.TrmConfig;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A named, complete training run: the model, how to train it, the training stream and the held-out
 * set it is evaluated on while it trains, and the later stages that continue it. {@code trm train
 * --recipe NAME -o DIR} runs one to its last stage; any schedule option given on the command line
 * (steps, learning rate, N_sup) replaces the stages with that one run.
 *
 * @param name    what {@code --recipe} takes
 * @param summary one line for {@code --list-recipes}
 * @param model   the architecture (and the first stage's N_sup)
 * @param train   the optimizer, schedule and batch of the first stage, which ends at {@code train.steps()}
 * @param data    the generated training stream
 * @param heldOut the puzzles evaluated during training, generated with a seed training never uses
 * @param stages  the stages after the first, in order, each ending later than the one before
 */
public record Recipe(String name, String summary, TrmConfig model, TrainConfig train, GeneratedSudoku.Spec data,
                     HeldOut heldOut, List<Stage> stages) {
    /**
     * A held-out set made as {@code trm data generate --count COUNT --givens MIN-MAX --seed SEED} makes it.
     */
    public record HeldOut(int minGivens, int maxGivens, long seed, int count) {
        public String fileName() {
            return "heldout-" + minGivens + "-" + maxGivens + "-seed" + seed + ".csv";
        }
    }

    /**
     * A later stretch of a recipe: from the end of the stage before to step {@code steps}, with a new
     * schedule (warm-up as before, then a cosine from {@code lr} down to {@code lr x lrMinRatio},
     * placed over the whole run's {@code steps} as {@link TrainConfig#lrAt} places it) and {@code haltMaxSteps}
     * supervision steps per puzzle (N_sup changes no weight), on generated puzzles of {@code givens}
     * (null: the stream of the stage before). It is what {@code trm train --resume CKPT --steps S --lr LR
     * --lr-min-ratio R --halt-max-steps N [--generate MIN-MAX]} does.
     */
    public record Stage(long steps, float lr, float lrMinRatio, int haltMaxSteps, GeneratedSudoku.Spec givens) {
        public Stage {
            if (steps < 1 || lr <= 0 || lrMinRatio < 0 || lrMinRatio > 1 || haltMaxSteps < 1) {
                throw new IllegalArgumentException("recipe stage: steps >= 1, lr > 0, lr min ratio in [0, 1] and N_sup >= 1,"
                        + " got " + this);
            }
        }

        /** A stage on the training stream of the stage before. */
        public Stage(long steps, float lr, float lrMinRatio, int haltMaxSteps) {
            this(steps, lr, lrMinRatio, haltMaxSteps, null);
        }

        /** The first stage after a run's first config: its schedule and N_sup, to be changed by the withers below. */
        public static Stage after(TrainConfig first, int haltMaxSteps) {
            return new Stage(first.steps() + 1, first.lr(), first.lrMinRatio(), haltMaxSteps);
        }

        /** This stage, trained on to {@code steps}. */
        public Stage to(long steps) {
            return new Stage(steps, lr, lrMinRatio, haltMaxSteps, givens);
        }

        public Stage lr(float lr) {
            return new Stage(steps, lr, lrMinRatio, haltMaxSteps, givens);
        }

        public Stage lrMinRatio(float lrMinRatio) {
            return new Stage(steps, lr, lrMinRatio, haltMaxSteps, givens);
        }

        public Stage haltMaxSteps(int haltMaxSteps) {
            return new Stage(steps, lr, lrMinRatio, haltMaxSteps, givens);
        }

        /** This stage on fresh generated puzzles of {@code min} to {@code max} givens. */
        public Stage givens(int min, int max) {
            return new Stage(steps, lr, lrMinRatio, haltMaxSteps, new GeneratedSudoku.Spec(min, max, 0));
        }

        /** The training config of this stage, from the one the run had so far. */
        public TrainConfig applyTo(TrainConfig soFar) {
            return soFar.toBuilder().steps(steps).lr(lr).lrMinRatio(lrMinRatio).build();
        }
    }

    public Recipe {
        stages = List.copyOf(stages);
        long end = train.steps();
        for (Stage s : stages) {
            if (s.steps() <= end) {
                throw new IllegalArgumentException("recipe " + name + ": a stage must end after the one before (step "
                        + end + "), got " + s);
            }
            end = s.steps();
        }
    }

    /**
     * The stage that trains step {@code step + 1}, for a run whose checkpoint is at {@code step}: null
     * within the first stage (the checkpoint's own schedule is the recipe's) and after the last.
     */
    public Stage stageAfter(long step) {
        long start = train.steps();
        for (Stage s : stages) {
            if (step >= start && step < s.steps()) {
                return s;
            }
            start = s.steps();
        }
        return null;
    }

    /** The step the whole recipe ends at. */
    public long lastStep() {
        return stages.isEmpty() ? train.steps() : stages.get(stages.size() - 1).steps();
    }

    private static final Map<String, Recipe> RECIPES = new LinkedHashMap<>();

    static {
        TrmConfig model = Presets.get("sudoku-mlp-small");
        // the first stage: 3,000 steps, about an hour on a 2-core CPU (docs/default-model.md)
        TrainConfig train = TrainConfig.builder().batchSize(64).steps(3000).lr(1e-3f).warmupSteps(200).lrMinRatio(0.1f)
                .weightDecay(0.1f).emaRate(0.999f).evalInterval(500).seed(0).build();
        // then as the shipped model was trained: on at N_sup 6, then at the reference's N_sup 16 with a
        // longer, lower tail, then at N_sup 32 (accuracy still rose at step 16; docs/default-model.md)
        // each stage names only what it changes from the one before
        Stage longer = Stage.after(train, model.haltMaxSteps()).to(8000).lr(7e-4f);
        Stage deeper = longer.to(10_500).lr(1e-3f).haltMaxSteps(16);
        Stage lowerTail = deeper.to(13_500).lrMinRatio(0.02f);
        Stage deepest = lowerTail.to(15_500).lr(2e-3f).haltMaxSteps(32);
        // then the everyday difficulty only: the 40-45-given puzzles were solved already, the 24-34 ones not all
        Stage focused = deepest.to(19_500).lr(1e-3f).givens(22, 34);
        List<Stage> stages = List.of(longer, deeper, lowerTail, deepest, focused);
        register(new Recipe("sudoku-default", "the model bundled with trm: fresh generated puzzles of 22-40 givens, then 22-34",
                model, train, new GeneratedSudoku.Spec(22, 40, 0), new HeldOut(24, 34, 202, 300), stages));
    }

    /**
     * Adds a recipe under its name, for {@code --recipe} in this process: an application's own, or a
     * test's small one. A name already taken is refused.
     */
    public static synchronized void register(Recipe r) {
        if (RECIPES.putIfAbsent(r.name(), r) != null) {
            throw new IllegalArgumentException("a recipe named '" + r.name() + "' exists already");
        }
    }

    public static synchronized Map<String, Recipe> all() {
        return Collections.unmodifiableMap(new LinkedHashMap<>(RECIPES));
    }

    public static synchronized Recipe get(String name) {
        Recipe r = RECIPES.get(name);
        if (r == null) {
            throw new IllegalArgumentException("unknown recipe '" + name + "'; known: " + String.join(", ", RECIPES.keySet()));
        }
        return r;
    }

    /** A rate as written in a recipe: 0.0007, not 7.00000e-04. */
    public static String plain(float v) {
        return new java.math.BigDecimal(Float.toString(v)).stripTrailingZeros().toPlainString();
    }
}
