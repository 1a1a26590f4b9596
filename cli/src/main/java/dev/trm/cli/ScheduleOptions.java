package dev.trm.cli;

import dev.trm.train.Losses;
import dev.trm.train.Optimizer;
import dev.trm.train.TrainConfig;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Predicate;
import picocli.CommandLine.Option;

/** {@code trm train}'s optimisation options, and how they set a {@link TrainConfig}. */
final class ScheduleOptions {
    /** The options that set the learning-rate schedule: given on a recipe run, they replace its later stages. */
    static final List<String> SCHEDULE = List.of("--steps", "--lr", "--lr-min-ratio", "--warmup");

    @Option(names = "--steps", defaultValue = "3000", description = "optimizer steps (default: ${DEFAULT-VALUE}); with --resume,"
            + " a larger value extends the run") long steps;
    @Option(names = "--batch", defaultValue = "64", description = "batch size (default: ${DEFAULT-VALUE})") int batch;
    @Option(names = "--lr", defaultValue = "1e-3", description = "learning rate (default: ${DEFAULT-VALUE}; reference 1e-4)") float lr;
    @Option(names = "--warmup", defaultValue = "100", description = "warm-up steps (default: ${DEFAULT-VALUE}; reference 2000)") long warmup;
    @Option(names = "--lr-min-ratio", defaultValue = "1",
            description = "cosine decay after warm-up to lr x this at the last step (default: ${DEFAULT-VALUE}, constant, as the reference)")
    float lrMinRatio;
    @Option(names = "--weight-decay", defaultValue = "0.1", description = "(default: ${DEFAULT-VALUE}; reference 1.0)") float weightDecay;
    @Option(names = "--puzzle-emb-lr", defaultValue = "1e-2", description = "(default: ${DEFAULT-VALUE})") float puzzleEmbLr;
    @Option(names = "--puzzle-emb-weight-decay", defaultValue = "0.1", description = "(default: ${DEFAULT-VALUE})") float puzzleEmbWd;
    @Option(names = "--ema", defaultValue = "0.995", description = "EMA rate, 0 = off (default: ${DEFAULT-VALUE}; reference 0.999)") float ema;
    @Option(names = "--halt-exploration", defaultValue = "0.1", description = "(default: ${DEFAULT-VALUE})") float exploration;
    @Option(names = "--optimizer", defaultValue = "ADAM_ATAN2", description = "ADAM_ATAN2 or ADAMW (default: ${DEFAULT-VALUE})")
    Optimizer.Kind optimizer;
    @Option(names = "--loss", defaultValue = "STABLEMAX", description = "STABLEMAX or SOFTMAX (default: ${DEFAULT-VALUE})")
    Losses.CrossEntropy loss;
    @Option(names = "--seed", defaultValue = "0", description = "(default: ${DEFAULT-VALUE})") long seed;
    @Option(names = "--eval-every", defaultValue = "500", description = "steps between evaluations and checkpoints (default: ${DEFAULT-VALUE})")
    long evalEvery;

    /** One option and the config field it sets. */
    private record Setter(String option, Consumer<TrainConfig.Builder> set) {
    }

    private List<Setter> setters() {
        return List.of(new Setter("--batch", b -> b.batchSize(batch)), new Setter("--steps", b -> b.steps(steps)),
                new Setter("--lr", b -> b.lr(lr)), new Setter("--warmup", b -> b.warmupSteps(warmup)),
                new Setter("--lr-min-ratio", b -> b.lrMinRatio(lrMinRatio)), new Setter("--weight-decay", b -> b.weightDecay(weightDecay)),
                new Setter("--puzzle-emb-lr", b -> b.puzzleEmbLr(puzzleEmbLr)),
                new Setter("--puzzle-emb-weight-decay", b -> b.puzzleEmbWeightDecay(puzzleEmbWd)),
                new Setter("--ema", b -> b.emaRate(ema)), new Setter("--halt-exploration", b -> b.haltExplorationProb(exploration)),
                new Setter("--optimizer", b -> b.optimizer(optimizer)), new Setter("--loss", b -> b.crossEntropy(loss)),
                new Setter("--seed", b -> b.seed(seed)), new Setter("--eval-every", b -> b.evalInterval(evalEvery)));
    }

    /**
     * The training config: every option's value for a plain run ({@code allOptions}); for a recipe or a
     * resumed run, only the options {@code given} on the command line change the base.
     */
    TrainConfig.Builder applyTo(TrainConfig.Builder b, Predicate<String> given, boolean allOptions) {
        for (Setter s : setters()) {
            if (allOptions || given.test(s.option())) {
                s.set().accept(b);
            }
        }
        return b;
    }
}
