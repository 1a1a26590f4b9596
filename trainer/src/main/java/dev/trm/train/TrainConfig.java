package dev.trm.train;

/**
 * How to train: the reference {@code cfg_pretrain.yaml} fields that matter, validated. Build one by
 * name with {@link #builder()}; its defaults are the CPU recipe of {@code trm train}.
 *
 * @param batchSize            samples per optimizer step (the ACT carry's slots)
 * @param steps                optimizer steps to run
 * @param lr                   peak learning rate of the main optimizer
 * @param warmupSteps          linear warm-up from 0
 * @param lrMinRatio           after warm-up, cosine decay to lr x this at the last step (1: constant, the reference default)
 * @param weightDecay          decoupled weight decay of the main optimizer (all trainable tensors)
 * @param beta1                Adam beta1
 * @param beta2                Adam beta2
 * @param puzzleEmbLr          sign-SGD learning rate of the puzzle-embedding rows
 * @param puzzleEmbWeightDecay its decoupled weight decay
 * @param emaRate              EMA of the weights used for evaluation and export (0 disables)
 * @param haltExplorationProb  probability that a sample draws a random minimum of 2..N_sup steps
 * @param qHaltLossWeight      weight of the Q-halt BCE in the loss (0.5 in the reference)
 * @param crossEntropy         stablemax (reference) or softmax
 * @param optimizer            AdamATan2 (reference) or AdamW
 * @param seed                 every random choice derives from it
 * @param evalInterval         evaluate (and checkpoint) every so many steps; 0 only at the end
 */
public record TrainConfig(int batchSize, long steps, float lr, long warmupSteps, float lrMinRatio, float weightDecay,
                          float beta1, float beta2, float puzzleEmbLr, float puzzleEmbWeightDecay, float emaRate,
                          float haltExplorationProb, float qHaltLossWeight, Losses.CrossEntropy crossEntropy,
                          Optimizer.Kind optimizer, long seed, long evalInterval) {
    public TrainConfig {
        require(batchSize >= 1, "batch size must be at least 1, got " + batchSize);
        require(steps >= 1, "steps must be at least 1, got " + steps);
        require(lr > 0, "learning rate must be positive, got " + lr);
        require(warmupSteps >= 0, "warm-up steps must be >= 0");
        require(lrMinRatio >= 0 && lrMinRatio <= 1, "lr min ratio must lie in [0, 1], got " + lrMinRatio);
        require(weightDecay >= 0 && puzzleEmbWeightDecay >= 0, "weight decay must be >= 0");
        require(beta1 >= 0 && beta1 < 1 && beta2 >= 0 && beta2 < 1, "betas must lie in [0, 1)");
        require(puzzleEmbLr >= 0, "puzzle-embedding lr must be >= 0");
        require(emaRate >= 0 && emaRate < 1, "EMA rate must lie in [0, 1), got " + emaRate);
        require(haltExplorationProb >= 0 && haltExplorationProb <= 1, "halt exploration probability must lie in [0, 1]");
        require(qHaltLossWeight >= 0, "Q-halt loss weight must be >= 0");
        require(crossEntropy != null && optimizer != null, "loss and optimizer must be set");
        require(evalInterval >= 0, "eval interval must be >= 0");
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException("train config: " + message);
        }
    }

    /** The CPU defaults of {@code trm train}; set what differs by name. */
    public static Builder builder() {
        return new Builder();
    }

    /** The reference recipe for Sudoku/Maze (lr 1e-4, wd 1.0, warm-up 2000, EMA 0.999) at a given batch. */
    public static TrainConfig reference(int batchSize, long steps, long seed) {
        return builder().batchSize(batchSize).steps(steps).lr(1e-4f).warmupSteps(2000).weightDecay(1.0f)
                .puzzleEmbLr(1e-4f).puzzleEmbWeightDecay(1.0f).emaRate(0.999f).seed(seed).evalInterval(0).build();
    }

    /** This config as a builder, to change some fields by name. */
    public Builder toBuilder() {
        return new Builder().batchSize(batchSize).steps(steps).lr(lr).warmupSteps(warmupSteps).lrMinRatio(lrMinRatio)
                .weightDecay(weightDecay).betas(beta1, beta2).puzzleEmbLr(puzzleEmbLr).puzzleEmbWeightDecay(puzzleEmbWeightDecay)
                .emaRate(emaRate).haltExplorationProb(haltExplorationProb).qHaltLossWeight(qHaltLossWeight)
                .crossEntropy(crossEntropy).optimizer(optimizer).seed(seed).evalInterval(evalInterval);
    }

    /**
     * Learning rate of step t (1-based) for a base rate: linear warm-up, then a cosine from the base
     * down to base x lrMinRatio at the last step (constant when the ratio is 1).
     */
    public float lrAt(long t, float base) {
        if (t <= warmupSteps) {
            return warmupSteps == 0 ? base : (float) (base * ((double) t / warmupSteps));
        }
        if (lrMinRatio == 1f || steps <= warmupSteps) {
            return base;
        }
        double progress = Math.min(1.0, (double) (t - warmupSteps) / (steps - warmupSteps));
        double cosine = 0.5 * (1 + Math.cos(Math.PI * progress));
        return (float) (base * (lrMinRatio + (1 - lrMinRatio) * cosine));
    }

    public TrainConfig withSteps(long newSteps, long newEvalInterval) {
        return toBuilder().steps(newSteps).evalInterval(newEvalInterval).build();
    }

    /** Named fields with the CPU defaults of {@code trm train}. */
    public static final class Builder {
        private int batchSize = 64;
        private long steps = 3000;
        private float lr = 1e-3f;
        private long warmupSteps = 100;
        private float lrMinRatio = 1f;
        private float weightDecay = 0.1f;
        private float beta1 = 0.9f;
        private float beta2 = 0.95f;
        private float puzzleEmbLr = 1e-2f;
        private float puzzleEmbWeightDecay = 0.1f;
        private float emaRate = 0.995f;
        private float haltExplorationProb = 0.1f;
        private float qHaltLossWeight = 0.5f;
        private Losses.CrossEntropy crossEntropy = Losses.CrossEntropy.STABLEMAX;
        private Optimizer.Kind optimizer = Optimizer.Kind.ADAM_ATAN2;
        private long seed;
        private long evalInterval = 500;

        private Builder() {
        }

        public Builder batchSize(int v) {
            batchSize = v;
            return this;
        }

        public Builder steps(long v) {
            steps = v;
            return this;
        }

        public Builder lr(float v) {
            lr = v;
            return this;
        }

        public Builder warmupSteps(long v) {
            warmupSteps = v;
            return this;
        }

        public Builder lrMinRatio(float v) {
            lrMinRatio = v;
            return this;
        }

        public Builder weightDecay(float v) {
            weightDecay = v;
            return this;
        }

        public Builder betas(float b1, float b2) {
            beta1 = b1;
            beta2 = b2;
            return this;
        }

        public Builder puzzleEmbLr(float v) {
            puzzleEmbLr = v;
            return this;
        }

        public Builder puzzleEmbWeightDecay(float v) {
            puzzleEmbWeightDecay = v;
            return this;
        }

        public Builder emaRate(float v) {
            emaRate = v;
            return this;
        }

        public Builder haltExplorationProb(float v) {
            haltExplorationProb = v;
            return this;
        }

        public Builder qHaltLossWeight(float v) {
            qHaltLossWeight = v;
            return this;
        }

        public Builder crossEntropy(Losses.CrossEntropy v) {
            crossEntropy = v;
            return this;
        }

        public Builder optimizer(Optimizer.Kind v) {
            optimizer = v;
            return this;
        }

        public Builder seed(long v) {
            seed = v;
            return this;
        }

        public Builder evalInterval(long v) {
            evalInterval = v;
            return this;
        }

        public TrainConfig build() {
            return new TrainConfig(batchSize, steps, lr, warmupSteps, lrMinRatio, weightDecay, beta1, beta2, puzzleEmbLr,
                    puzzleEmbWeightDecay, emaRate, haltExplorationProb, qHaltLossWeight, crossEntropy, optimizer, seed,
                    evalInterval);
        }
    }
}
