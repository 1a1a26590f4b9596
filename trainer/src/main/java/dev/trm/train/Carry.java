package dev.trm.train;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * The ACT carry of training: per batch slot, the answer/latent state (y, z), the supervision
 * steps taken, whether the slot halted (and takes a fresh puzzle next step), and the puzzle it
 * works on. Starts with every slot halted, as the reference does.
 */
final class Carry implements AutoCloseable {
    final int batch;
    final int seqLen;
    final NDManager manager;
    NDArray y;
    NDArray z;
    final int[] steps;
    final boolean[] halted;
    final long[] tokens;
    final long[] labels;
    final long[] puzzleIds;

    Carry(int batch, int seqLen, int workingLength, int hidden, NDManager parent, Device device) {
        this.batch = batch;
        this.seqLen = seqLen;
        this.manager = parent.newSubManager(device);
        Shape shape = new Shape(batch, workingLength, hidden);
        this.y = manager.zeros(shape, DataType.FLOAT32);
        this.z = manager.zeros(shape, DataType.FLOAT32);
        this.steps = new int[batch];
        this.halted = new boolean[batch];
        java.util.Arrays.fill(halted, true);
        this.tokens = new long[batch * seqLen];
        this.labels = new long[batch * seqLen];
        this.puzzleIds = new long[batch];
    }

    /** Puts a fresh puzzle into slot i. */
    void load(int i, PuzzleSamples.Sample s) {
        for (int k = 0; k < seqLen; k++) {
            tokens[i * seqLen + k] = s.tokens()[k];
            labels[i * seqLen + k] = s.labels()[k];
        }
        puzzleIds[i] = s.puzzleId();
        steps[i] = 0;
    }

    /** Replaces the state; the new arrays move into the carry's manager and the old ones are freed. */
    void replaceState(NDArray newY, NDArray newZ) {
        NDArray oldY = y;
        NDArray oldZ = z;
        newY.attach(manager);
        newZ.attach(manager);
        y = newY;
        z = newZ;
        oldY.close();
        oldZ.close();
    }

    @Override
    public void close() {
        manager.close();
    }
}
