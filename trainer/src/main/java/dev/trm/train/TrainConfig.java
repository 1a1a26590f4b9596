package dev.trm.train;

/**
 * How to train: the reference {@code cfg_pretrain.yaml} fields that matter, validated.
 *
 * @param batchSize            samples per optimizer step (the ACT carry's slots)
 * @param steps                optimizer steps to run
 * @param lr                   peak learning rate of the main optimizer
 * @param warmupSteps          linear warm-up from 0, then constant
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
public record TrainConfig(int batchSize, long steps, float lr, long warmupSteps, float weightDecay, float beta1,
                          float beta2, float puzzleEmbLr, float puzzleEmbWeightDecay, float emaRate,
                          float haltExplorationProb, float qHaltLossWeight, Losses.CrossEntropy crossEntropy,
                          Optimizer.Kind optimizer, long seed, long evalInterval) {
    public TrainConfig {
        require(batchSize >= 1, "batch size must be at least 1, got " + batchSize);
        require(steps >= 1, "steps must be at least 1, got " + steps);
        require(lr > 0, "learning rate must be positive, got " + lr);
        require(warmupSteps >= 0, "warm-up steps must be >= 0");
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

    /** The reference recipe for Sudoku/Maze (lr 1e-4, wd 1.0, warm-up 2000, EMA 0.999) at a given batch. */
    public static TrainConfig reference(int batchSize, long steps, long seed) {
        return new TrainConfig(batchSize, steps, 1e-4f, 2000, 1.0f, 0.9f, 0.95f, 1e-4f, 1.0f, 0.999f, 0.1f, 0.5f,
                Losses.CrossEntropy.STABLEMAX, Optimizer.Kind.ADAM_ATAN2, seed, 0);
    }

    /** Learning rate of step t (1-based): linear warm-up, then constant. */
    public float lrAt(long t, float base) {
        return warmupSteps == 0 ? base : (float) (base * Math.min(1.0, (double) t / warmupSteps));
    }

    public TrainConfig withSteps(long newSteps, long newEvalInterval) {
        return new TrainConfig(batchSize, newSteps, lr, warmupSteps, weightDecay, beta1, beta2, puzzleEmbLr,
                puzzleEmbWeightDecay, emaRate, haltExplorationProb, qHaltLossWeight, crossEntropy, optimizer, seed,
                newEvalInterval);
    }
}
