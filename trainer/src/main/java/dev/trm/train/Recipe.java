package dev.trm.train;

import dev.trm.model.Presets;
import dev.trm.model.TrmConfig;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A named, complete training run: the model, how to train it, the training stream and the held-out
 * set it is evaluated on while it trains. {@code trm train --recipe NAME -o DIR} runs one; any
 * option given on the command line overrides the recipe's value.
 *
 * @param name    what {@code --recipe} takes
 * @param summary one line for {@code --list-recipes}
 * @param model   the architecture
 * @param train   the optimizer, schedule and batch
 * @param data    the generated training stream
 * @param heldOut the puzzles evaluated during training, generated with a seed training never uses
 */
public record Recipe(String name, String summary, TrmConfig model, TrainConfig train, GeneratedSudoku.Spec data,
                     HeldOut heldOut) {
    /**
     * A held-out set made as {@code trm data generate --count COUNT --givens MIN-MAX --seed SEED} makes it.
     */
    public record HeldOut(int minGivens, int maxGivens, long seed, int count) {
        public String fileName() {
            return "heldout-" + minGivens + "-" + maxGivens + "-seed" + seed + ".csv";
        }
    }

    private static final Map<String, Recipe> RECIPES = new LinkedHashMap<>();

    static {
        TrmConfig model = Presets.get("sudoku-mlp-small");
        // 3,000 steps: about an hour on a 2-core CPU (docs/default-model.md); a longer run resumes
        // from the checkpoint with a larger --steps.
        TrainConfig train = TrainConfig.builder().batchSize(64).steps(3000).lr(1e-3f).warmupSteps(200).lrMinRatio(0.1f)
                .weightDecay(0.1f).emaRate(0.999f).evalInterval(500).seed(0).build();
        put(new Recipe("sudoku-default", "the model bundled with trm: fresh generated puzzles of 22-40 givens",
                model, train, new GeneratedSudoku.Spec(22, 40, 0), new HeldOut(24, 34, 202, 300)));
    }

    private static void put(Recipe r) {
        RECIPES.put(r.name(), r);
    }

    public static Map<String, Recipe> all() {
        return Collections.unmodifiableMap(RECIPES);
    }

    public static Recipe get(String name) {
        Recipe r = RECIPES.get(name);
        if (r == null) {
            throw new IllegalArgumentException("unknown recipe '" + name + "'; known: " + String.join(", ", RECIPES.keySet()));
        }
        return r;
    }
}
