package dev.trm.train;

/**
 * What one optimizer step reports. Loss terms are per sample (divided by the batch); accuracies
 * count only the samples that halted at this step, as the reference's training metrics do.
 *
 * @param step          optimizer step (1-based)
 * @param lr            learning rate used
 * @param loss          total loss / batch
 * @param lmLoss        language-model loss / batch
 * @param qHaltLoss     Q-halt BCE / batch
 * @param halted        samples that halted at this step
 * @param accuracy      cell accuracy over the halted samples
 * @param exactAccuracy fraction of halted samples entirely right
 * @param qHaltAccuracy fraction of halted samples whose (q_halt >= 0) matches being right
 * @param meanSteps     mean supervision steps of the halted samples
 * @param skippedSteps  optimizer steps skipped so far because the loss or a gradient was not finite
 */
public record StepMetrics(long step, float lr, double loss, double lmLoss, double qHaltLoss, int halted,
                          double accuracy, double exactAccuracy, double qHaltAccuracy, double meanSteps, long skippedSteps) {
}
