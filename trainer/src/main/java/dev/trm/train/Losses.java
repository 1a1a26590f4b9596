package dev.trm.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import dev.trm.model.TorchOwned;

/**
 * The reference losses ({@code models/losses.py}), written as their formulas.
 *
 * <p>The memory rule, applied once here: DJL attaches an operation's result to the manager of its
 * receiver, and every receiver below is an array of the step, so every intermediate is freed with
 * the step's manager. Constants are PyTorch-owned scalars from {@link TorchOwned}, never Java
 * numbers, because autograd keeps operands for the backward pass (see {@code TorchOwnedTest}).
 */
public final class Losses {
    /** Stablemax's guard against division by zero. */
    public static final double STABLEMAX_EPS = 1e-30;

    /** Which cross-entropy the language-model loss uses. */
    public enum CrossEntropy { STABLEMAX, SOFTMAX }

    private Losses() {
    }

    /**
     * Log-probabilities under stablemax: s(v) = 1/(1 - v) for v &lt; 0, v + 1 otherwise;
     * log p = log(s / sum s). The reference computes this in float64; here it runs in the logits'
     * float32, because a dtype cast in DJL's PyTorch engine drops the autograd graph (the forward
     * values agree with float64 to ~1e-7 relative, see LossesTest).
     */
    public static NDArray logStablemax(NDArray x, NDManager m) {
        NDArray zero = TorchOwned.scalar(m, 0f, x);
        NDArray one = TorchOwned.scalar(m, 1f, x);
        // 1/(1 - v) on min(v, 0): the branch where() does not pick must stay finite, or its gradient
        // (0 x inf at v = 1 in float32) poisons the step with NaN. Values are the reference's.
        NDArray small = x.minimum(zero).neg().add(TorchOwned.scalar(m, (float) (1 + STABLEMAX_EPS), x))
                .pow(TorchOwned.scalar(m, -1f, x));
        NDArray large = x.add(one);
        NDArray s = NDArrays.where(x.lt(zero), small, large);
        return s.div(s.sum(new int[] {-1}, true)).log();
    }

    /**
     * Per-cell cross-entropy [B, S] (0 where {@code mask} is 0), in the logits' dtype.
     *
     * @param logits float [B, S, V]
     * @param labels int64 [B, S]
     * @param mask   [B, S], true (or 1) for a cell that counts
     */
    public static NDArray crossEntropy(CrossEntropy kind, NDArray logits, NDArray labels, NDArray mask, NDManager m) {
        NDArray logp = kind == CrossEntropy.STABLEMAX ? logStablemax(logits, m) : logits.logSoftmax(-1);
        int vocab = (int) logits.getShape().get(2);
        NDArray picked = logp.mul(labels.oneHot(vocab, logp.getDataType())).sum(new int[] {-1});
        return picked.neg().mul(mask.toType(logp.getDataType(), false));
    }

    /** The reference lm loss: per-sample mean over counted cells, summed over the batch (a scalar). */
    public static NDArray lmLoss(CrossEntropy kind, NDArray logits, NDArray labels, NDArray mask, NDManager m) {
        NDArray perCell = crossEntropy(kind, logits, labels, mask, m);
        NDArray cells = mask.toType(perCell.getDataType(), false).sum(new int[] {-1});
        NDArray counts = cells.maximum(TorchOwned.scalar(m, 1f, cells));
        return perCell.sum(new int[] {-1}).div(counts).sum();
    }

    /** Binary cross-entropy with logits, summed over the batch: max(x,0) - x t + log(1 + exp(-|x|)). */
    public static NDArray bceWithLogitsSum(NDArray x, NDArray targets, NDManager m) {
        NDArray relu = x.maximum(TorchOwned.scalar(m, 0f, x));
        NDArray soft = x.abs().neg().exp().add(TorchOwned.scalar(m, 1f, x)).log();
        return relu.sub(x.mul(targets)).add(soft).sum();
    }
}
