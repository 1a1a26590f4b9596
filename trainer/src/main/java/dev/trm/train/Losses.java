package dev.trm.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.trm.model.TorchOwned;

/**
 * The reference losses ({@code models/losses.py}). All results are attached to the given manager.
 */
public final class Losses {
    /** Stablemax's guard against division by zero. */
    public static final double STABLEMAX_EPS = 1e-30;

    /** Which cross-entropy the language-model loss uses. */
    public enum CrossEntropy { STABLEMAX, SOFTMAX }

    private Losses() {
    }

    private static NDArray own(NDArray a, NDManager m) {
        a.attach(m);
        return a;
    }

    /** A constant operand for a gradient-recording op (see {@link TorchOwned}: never a Java number). */
    private static NDArray scalar(float value, NDArray like, NDManager m) {
        return own(TorchOwned.scalar(m, value, like), m);
    }

    /**
     * Log-probabilities under stablemax: s(v) = 1/(1 - v) for v &lt; 0, v + 1 otherwise;
     * log p = log(s / sum s). The reference computes this in float64; here it runs in the logits'
     * float32, because a dtype cast in DJL's PyTorch engine drops the autograd graph (the forward
     * values agree with float64 to ~1e-7 relative, see LossesTest).
     */
    public static NDArray logStablemax(NDArray logits, NDManager m) {
        NDArray x = logits;
        NDArray negative = own(x.lt(0), m);
        // 1/(1 - v) on min(v, 0): the branch where() does not pick must stay finite, or its gradient
        // (0 x inf at v = 1 in float32) poisons the step with NaN. Values are the reference's.
        NDArray one = scalar(1f, x, m);
        NDArray nonPositive = own(x.minimum(scalar(0f, x, m)), m);
        NDArray small = own(own(own(nonPositive.neg(), m).add(scalar((float) (1 + STABLEMAX_EPS), x, m)), m).pow(scalar(-1f, x, m)), m);
        NDArray large = own(x.add(one), m);
        NDArray s = own(NDArrays.where(negative, small, large), m);
        NDArray total = own(s.sum(new int[] {-1}, true), m);
        return own(own(s.div(total), m).log(), m);
    }

    /**
     * Per-cell cross-entropy [B, S] (0 where {@code mask} is 0), in the logits' dtype.
     *
     * @param logits float [B, S, V]
     * @param labels int64 [B, S]
     * @param mask   float [B, S], 1 for a cell that counts
     */
    public static NDArray crossEntropy(CrossEntropy kind, NDArray logits, NDArray labels, NDArray mask, NDManager m) {
        NDArray logp = kind == CrossEntropy.STABLEMAX ? logStablemax(logits, m) : own(logits.logSoftmax(-1), m);
        int vocab = (int) logits.getShape().get(2);
        NDArray oneHot = own(labels.oneHot(vocab, logp.getDataType()), m);
        NDArray picked = own(own(logp.mul(oneHot), m).sum(new int[] {-1}), m);
        return own(own(picked.neg(), m).mul(own(mask.toType(logp.getDataType(), false), m)), m);
    }

    /** The reference lm loss: per-sample mean over counted cells, summed over the batch (a scalar). */
    public static NDArray lmLoss(CrossEntropy kind, NDArray logits, NDArray labels, NDArray mask, NDManager m) {
        NDArray perCell = crossEntropy(kind, logits, labels, mask, m);
        NDArray cells = own(mask.sum(new int[] {-1}), m);
        NDArray counts = own(cells.maximum(scalar(1f, cells, m)), m);
        NDArray perSample = own(own(perCell.sum(new int[] {-1}), m).div(own(counts.toType(perCell.getDataType(), false), m)), m);
        return own(perSample.sum(), m);
    }

    /** Binary cross-entropy with logits, summed over the batch: max(x,0) - x t + log(1 + exp(-|x|)). */
    public static NDArray bceWithLogitsSum(NDArray logits, NDArray targets, NDManager m) {
        NDArray relu = own(logits.maximum(scalar(0f, logits, m)), m);
        NDArray xt = own(logits.mul(targets), m);
        NDArray soft = own(own(own(own(own(logits.abs(), m).neg(), m).exp(), m).add(scalar(1f, logits, m)), m).log(), m);
        return own(own(own(relu.sub(xt), m).add(soft), m).sum(), m);
    }
}
