package dev.trm.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.trm.model.TorchOwned;
import dev.trm.model.TrmStep;

/**
 * The reference {@code ACTLossHead}: the loss of one supervision step and what it measured.
 * lm loss (per-sample mean cross-entropy over labelled cells, summed over the batch) plus the
 * weighted BCE of q_halt against "the whole answer is right", divided by the batch.
 */
final class ActLossHead {
    /**
     * @param lmLoss      the summed lm loss (scalar)
     * @param qHaltLoss   the summed Q-halt BCE (scalar)
     * @param total       (lm + weight x qHalt) / batch: what backward starts from
     * @param cellRight   [B, S] bool: the cell's arg-max is its label (or the cell is not labelled)
     * @param sampleRight [B] bool: every cell is right
     */
    record Result(NDArray lmLoss, NDArray qHaltLoss, NDArray total, NDArray cellRight, NDArray sampleRight) {
    }

    private final Losses.CrossEntropy crossEntropy;
    private final float qHaltWeight;

    ActLossHead(Losses.CrossEntropy crossEntropy, float qHaltWeight) {
        this.crossEntropy = crossEntropy;
        this.qHaltWeight = qHaltWeight;
    }

    /** The loss of a step's outputs against int64 labels [B, S] (0 = not labelled); arrays of the step's manager. */
    Result apply(TrmStep.Outputs<NDArray> out, NDArray labels, NDManager m) {
        int batch = (int) labels.getShape().get(0);
        int seq = (int) labels.getShape().get(1);
        NDArray labelled = labels.neq(TorchOwned.scalar(m, 0f, labels));
        NDArray lm = Losses.lmLoss(crossEntropy, out.logits(), labels, labelled, m);
        NDArray cellRight = out.logits().stopGradient().argMax(-1).eq(labels).logicalOr(labelled.logicalNot());
        NDArray sampleRight = cellRight.toType(DataType.INT32, false).sum(new int[] {-1}).eq(TorchOwned.scalar(m, seq, labels));
        NDArray qHalt = Losses.bceWithLogitsSum(out.qHalt(), sampleRight.toType(DataType.FLOAT32, false), m);
        NDArray total = lm.add(qHalt.mul(TorchOwned.scalar(m, qHaltWeight, qHalt))).div(TorchOwned.scalar(m, batch, lm));
        return new Result(lm, qHalt, total, cellRight, sampleRight);
    }
}
