package dev.trm.train;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.trm.io.SafeTensors;
import dev.trm.model.TorchOwned;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * The ACT carry of training, as the reference's {@code TinyRecursiveReasoningModel_ACTV1Carry}: per
 * batch slot, the answer/latent state (y, z), the supervision steps taken, whether the slot halted
 * (and takes a fresh puzzle next step), and the puzzle it works on. Starts with every slot halted.
 * It also holds the reference's halting rule and its own (de)serialisation for checkpoints.
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
        Arrays.fill(halted, true);
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

    /** {@code state} with the halted slots reset to the init vector (the reference's reset_carry), in {@code m}. */
    NDArray restart(NDArray state, NDArray init, NDManager m) {
        float[] reset = new float[batch];
        for (int i = 0; i < batch; i++) {
            reset[i] = halted[i] ? 1f : 0f;
        }
        NDArray r = TorchOwned.of(m, reset, new Shape(batch, 1, 1));
        NDArray keep = r.neg().add(TorchOwned.scalar(m, 1f, r));
        return r.mul(init).add(keep.mul(state));
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

    /**
     * The reference's training halting rule after a step: a slot halts at N_sup or when q_halt &gt; 0;
     * with probability {@code exploration} it first draws a minimum of 2..N_sup steps, which
     * q_halt cannot cut short.
     */
    void advanceAndHalt(float[] qHalt, int maxSteps, float exploration, Random rng) {
        for (int i = 0; i < batch; i++) {
            steps[i]++;
            boolean halt = qHalt[i] > 0;
            if (rng.nextDouble() < exploration) {
                int minSteps = 2 + rng.nextInt(maxSteps - 1); // uniform 2..N_sup
                halt &= steps[i] >= minSteps;
            }
            halted[i] = halt || steps[i] >= maxSteps;
        }
    }

    /** The carry as named tensors, for a checkpoint. */
    Map<String, SafeTensors.Tensor> toTensors() {
        Map<String, SafeTensors.Tensor> c = new LinkedHashMap<>();
        c.put("y", SafeTensors.Tensor.of(y.toFloatArray(), y.getShape().getShape()));
        c.put("z", SafeTensors.Tensor.of(z.toFloatArray(), z.getShape().getShape()));
        long[] s = new long[batch];
        long[] h = new long[batch];
        for (int i = 0; i < batch; i++) {
            s[i] = steps[i];
            h[i] = halted[i] ? 1 : 0;
        }
        c.put("steps", SafeTensors.Tensor.ofLongs(s, batch));
        c.put("halted", SafeTensors.Tensor.ofLongs(h, batch));
        c.put("tokens", SafeTensors.Tensor.ofLongs(tokens.clone(), batch, seqLen));
        c.put("labels", SafeTensors.Tensor.ofLongs(labels.clone(), batch, seqLen));
        c.put("puzzle_ids", SafeTensors.Tensor.ofLongs(puzzleIds.clone(), batch));
        return c;
    }

    /** Puts a checkpoint's carry back (the state as fresh PyTorch-owned arrays). */
    void restore(Map<String, SafeTensors.Tensor> c) {
        replaceState(TorchOwned.of(manager, c.get("y").floats(), y.getShape()), TorchOwned.of(manager, c.get("z").floats(), z.getShape()));
        long[] s = c.get("steps").longs();
        long[] h = c.get("halted").longs();
        for (int i = 0; i < batch; i++) {
            steps[i] = (int) s[i];
            halted[i] = h[i] != 0;
        }
        System.arraycopy(c.get("tokens").longs(), 0, tokens, 0, tokens.length);
        System.arraycopy(c.get("labels").longs(), 0, labels, 0, labels.length);
        System.arraycopy(c.get("puzzle_ids").longs(), 0, puzzleIds, 0, puzzleIds.length);
    }

    @Override
    public void close() {
        manager.close();
    }
}
