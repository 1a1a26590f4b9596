package dev.trm.train;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import dev.trm.io.SafeTensors;
import dev.trm.model.TorchOwned;
import dev.trm.model.TrmConfig;
import dev.trm.model.TrmParameters;
import dev.trm.model.TrmStep;
import dev.trm.model.TrmWeights;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * Trains a TRM as the reference {@code pretrain.py} does: one optimizer step is one supervision
 * step for every slot of the ACT carry; halted slots take fresh puzzles; loss = cross-entropy
 * (per-sample mean) + 0.5 BCE(q_halt, whole answer right), over the batch; AdamATan2 with
 * decoupled weight decay, linear warm-up; sparse sign-SGD for the puzzle-embedding rows; EMA of
 * the weights for evaluation.
 */
public final class Trainer implements AutoCloseable {
    private final TrmConfig model;
    private final TrainConfig train;
    private final TrmStep step;
    private final NDManager root;
    private final TrmWeights weights;
    private final Map<String, NDArray> trainable = new LinkedHashMap<>();
    private final Map<String, NDArray> ema = new LinkedHashMap<>();
    private final NDManager emaManager;
    private final Optimizer optimizer;
    private final SampleSource data;
    private final Carry carry;
    private long stepCount;
    private long dataPosition;
    private long skippedSteps;

    /** A fresh model initialised from the training seed. */
    public Trainer(TrmConfig model, TrainConfig train, SampleSource data, Device device) {
        this(model, train, data, device, new TrmParameters(model).initialise(train.seed()));
    }

    /** A model starting from given tensor values (a checkpoint or imported weights). */
    public Trainer(TrmConfig model, TrainConfig train, SampleSource data, Device device, Map<String, float[]> values) {
        if (!model.task().equals(data.task())) {
            throw new IllegalArgumentException("the model is for task '" + model.task() + "' but the data set is '" + data.task() + "'");
        }
        if (data.numPuzzleIds() > model.numPuzzleIds()) {
            throw new IllegalArgumentException("the data set needs " + data.numPuzzleIds() + " puzzle-embedding rows but the model has "
                    + model.numPuzzleIds() + " (ARC: the same file and --arc-variants as the model was trained with)");
        }
        this.model = model;
        this.train = train;
        this.step = new TrmStep(model);
        this.data = data;
        this.root = NDManager.newBaseManager(device);
        TrmParameters params = new TrmParameters(model);
        this.weights = new TrmWeights(params, values, root, device);
        this.emaManager = root.newSubManager(device);
        for (TrmParameters.Spec s : params.specs()) {
            if (s.role() == TrmParameters.Role.TRAINABLE) {
                NDArray p = weights.get(s.name());
                p.setRequiresGradient(true);
                trainable.put(s.name(), p);
                NDArray shadow = p.duplicate();
                shadow.attach(emaManager);
                ema.put(s.name(), shadow);
            }
        }
        this.optimizer = new Optimizer(train.optimizer(), train.beta1(), train.beta2(), train.weightDecay(), trainable, root);
        this.carry = new Carry(train.batchSize(), model.seqLen(), model.workingLength(), model.hiddenSize(), root, device);
    }

    /** Continues a checkpointed run exactly where it stopped (weights, EMA, moments, carry, data position). */
    public static Trainer resume(Checkpoint c, SampleSource data, Device device) {
        return resume(c, c.train(), data, device);
    }

    /**
     * Continues a checkpointed run under a changed training config: more steps, or another schedule
     * (the batch, which fixes the carry, must stay).
     */
    public static Trainer resume(Checkpoint c, TrainConfig train, SampleSource data, Device device) {
        if (train.batchSize() != c.train().batchSize()) {
            throw new IllegalArgumentException("the batch size cannot change on resume: the carry has " + c.train().batchSize()
                    + " slots, asked for " + train.batchSize());
        }
        Map<String, float[]> values = new LinkedHashMap<>();
        c.weights().forEach((k, v) -> values.put(k, v.floats()));
        Trainer t = new Trainer(c.model(), train, data, device, values);
        t.stepCount = c.step();
        t.dataPosition = c.dataPosition();
        // saved state replaces the fresh arrays (NDArray.set would trip a deprecated PyTorch dispatch mode and its warning)
        for (Map.Entry<String, NDArray> e : t.ema.entrySet()) {
            SafeTensors.Tensor saved = c.ema().get(e.getKey());
            if (saved != null) {
                NDArray old = e.getValue();
                e.setValue(TorchOwned.of(t.emaManager, saved.floats(), old.getShape()));
                old.close();
            }
        }
        for (String k : t.trainable.keySet()) {
            t.optimizer.restore(k, c.optimizer().get("m/" + k).floats(), c.optimizer().get("v/" + k).floats());
        }
        Carry carry = t.carry;
        carry.replaceState(TorchOwned.of(carry.manager, c.carry().get("y").floats(), carry.y.getShape()),
                TorchOwned.of(carry.manager, c.carry().get("z").floats(), carry.z.getShape()));
        long[] steps = c.carry().get("steps").longs();
        long[] halted = c.carry().get("halted").longs();
        for (int i = 0; i < carry.batch; i++) {
            carry.steps[i] = (int) steps[i];
            carry.halted[i] = halted[i] != 0;
        }
        System.arraycopy(c.carry().get("tokens").longs(), 0, carry.tokens, 0, carry.tokens.length);
        System.arraycopy(c.carry().get("labels").longs(), 0, carry.labels, 0, carry.labels.length);
        System.arraycopy(c.carry().get("puzzle_ids").longs(), 0, carry.puzzleIds, 0, carry.puzzleIds.length);
        return t;
    }

    /** Everything needed to continue this run, on the host. */
    public Checkpoint snapshot(Map<String, String> info) {
        Map<String, SafeTensors.Tensor> w = new LinkedHashMap<>();
        weights.arrays().forEach((k, v) -> w.put(k, host(v)));
        Map<String, SafeTensors.Tensor> e = new LinkedHashMap<>();
        if (train.emaRate() > 0) {
            ema.forEach((k, v) -> e.put(k, host(v)));
        }
        Map<String, SafeTensors.Tensor> o = new LinkedHashMap<>();
        optimizer.firstMoments().forEach((k, v) -> o.put("m/" + k, host(v)));
        optimizer.secondMoments().forEach((k, v) -> o.put("v/" + k, host(v)));
        Map<String, SafeTensors.Tensor> c = new LinkedHashMap<>();
        c.put("y", host(carry.y));
        c.put("z", host(carry.z));
        long[] steps = new long[carry.batch];
        long[] halted = new long[carry.batch];
        for (int i = 0; i < carry.batch; i++) {
            steps[i] = carry.steps[i];
            halted[i] = carry.halted[i] ? 1 : 0;
        }
        c.put("steps", SafeTensors.Tensor.ofLongs(steps, carry.batch));
        c.put("halted", SafeTensors.Tensor.ofLongs(halted, carry.batch));
        c.put("tokens", SafeTensors.Tensor.ofLongs(carry.tokens.clone(), carry.batch, carry.seqLen));
        c.put("labels", SafeTensors.Tensor.ofLongs(carry.labels.clone(), carry.batch, carry.seqLen));
        c.put("puzzle_ids", SafeTensors.Tensor.ofLongs(carry.puzzleIds.clone(), carry.batch));
        return new Checkpoint(model, train, stepCount, dataPosition, info, w, e, o, c);
    }

    private static SafeTensors.Tensor host(NDArray a) {
        return SafeTensors.Tensor.of(a.toFloatArray(), a.getShape().getShape());
    }

    public TrmConfig modelConfig() {
        return model;
    }

    public TrainConfig trainConfig() {
        return train;
    }

    public long stepCount() {
        return stepCount;
    }

    public long dataPosition() {
        return dataPosition;
    }

    /** The training data (ARC also holds its held-out test pairs). */
    public SampleSource samples() {
        return data;
    }

    public TrmWeights weights() {
        return weights;
    }

    /** Tensors for evaluation and export: EMA copies of trainable ones (when EMA is on), the rest as trained. */
    public Map<String, NDArray> evaluationTensors() {
        Map<String, NDArray> view = new LinkedHashMap<>(weights.arrays());
        if (train.emaRate() > 0) {
            view.putAll(ema);
        }
        return view;
    }

    /** One optimizer step: one supervision step for every slot of the carry. */
    public StepMetrics step() {
        long t = ++stepCount;
        int batch = train.batchSize();
        int seq = model.seqLen();
        // the reference fetches a full batch every step; only halted slots take their row (made only for them)
        for (int i = 0; i < batch; i++) {
            if (carry.halted[i]) {
                carry.load(i, data.at(dataPosition));
            }
            dataPosition++;
        }
        float lr = train.lrAt(t, train.lr());
        try (NDManager sm = root.newSubManager()) {
            NDArray y = restart(carry.y, weights.get(TrmParameters.H_INIT), sm);
            NDArray z = restart(carry.z, weights.get(TrmParameters.L_INIT), sm);
            NDArray tokens = TorchOwned.of(sm, carry.tokens, new Shape(batch, seq));
            NDArray labels = TorchOwned.of(sm, carry.labels, new Shape(batch, seq));
            NDArray ids = TorchOwned.of(sm, carry.puzzleIds, new Shape(batch));
            NDArray table = weights.get(TrmParameters.PUZZLE_EMB);
            NDArray rows = own(own(table.get(new NDIndex("{}", ids)), sm).duplicate(), sm);
            rows.setRequiresGradient(true);
            for (NDArray p : trainable.values()) {
                JniUtils.zeroGrad((PtNDArray) p);
            }
            TrmStep.Outputs<NDArray> out;
            NDArray lmLoss;
            NDArray qLoss;
            NDArray cellRight;
            NDArray sampleRight;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                out = step.forward(weights.ops(sm), tokens, rows, y, z);
                NDArray mask = own(labels.neq(0), sm);
                lmLoss = Losses.lmLoss(train.crossEntropy(), out.logits(), labels, mask, sm);
                NDArray predictions = own(out.logits().stopGradient().argMax(-1), sm);
                cellRight = own(own(predictions.eq(labels), sm).logicalOr(own(mask.logicalNot(), sm)), sm);
                sampleRight = own(own(own(cellRight.toType(DataType.INT32, false), sm).sum(new int[] {-1}), sm).eq(seq), sm);
                qLoss = Losses.bceWithLogitsSum(out.qHalt(), own(sampleRight.toType(DataType.FLOAT32, false), sm), sm);
                NDArray qWeight = TorchOwned.scalar(sm, train.qHaltLossWeight(), qLoss);
                NDArray weighted = own(lmLoss.add(own(qLoss.mul(qWeight), sm)), sm);
                NDArray total = own(weighted.div(TorchOwned.scalar(sm, batch, weighted)), sm);
                gc.backward(total);
            }
            Map<String, NDArray> grads = new LinkedHashMap<>();
            for (Map.Entry<String, NDArray> e : trainable.entrySet()) {
                grads.put(e.getKey(), own(e.getValue().getGradient(), sm));
            }
            boolean gradMode = dev.trm.model.DjlOps.setGradMode(false);
            try {
                NDArray rowGrads = own(rows.getGradient(), sm);
                if (finite(lmLoss, qLoss, grads, sm) && Float.isFinite(own(rowGrads.sum(), sm).getFloat())) {
                    optimizer.step(trainable, grads, t, lr);
                    updatePuzzleEmbedding(table, rowGrads, t);
                    updateEma();
                } else {
                    skippedSteps++; // a non-finite loss or gradient must not reach the weights
                }
            } finally {
                dev.trm.model.DjlOps.setGradMode(gradMode);
            }
            carry.replaceState(out.y(), out.z());
            return finishStep(t, lr, batch, lmLoss, qLoss, out.qHalt(), cellRight, sampleRight);
        }
    }

    /** Whether the loss and every gradient are finite (one host read of a few sums). */
    private static boolean finite(NDArray lmLoss, NDArray qLoss, Map<String, NDArray> grads, NDManager sm) {
        double total = lmLoss.getFloat() + qLoss.getFloat();
        for (NDArray g : grads.values()) {
            total += own(g.sum(), sm).getFloat();
        }
        return Double.isFinite(total);
    }

    /** Optimizer steps skipped because the loss or a gradient was not finite (NaN or infinite). */
    public long skippedSteps() {
        return skippedSteps;
    }

    /** The carried state, with halted slots reset to the init vector (reset_carry). */
    private NDArray restart(NDArray state, NDArray init, NDManager sm) {
        float[] halted = new float[carry.batch];
        for (int i = 0; i < halted.length; i++) {
            halted[i] = carry.halted[i] ? 1f : 0f;
        }
        NDArray reset = TorchOwned.of(sm, halted, new Shape(carry.batch, 1, 1));
        NDArray keep = own(own(reset.neg(), sm).add(TorchOwned.scalar(sm, 1f, reset)), sm);
        return own(own(reset.mul(init), sm).add(own(keep.mul(state), sm)), sm);
    }

    private StepMetrics finishStep(long t, float lr, int batch, NDArray lmLoss, NDArray qLoss, NDArray qHalt,
                                   NDArray cellRight, NDArray sampleRight) {
        float[] q = qHalt.stopGradient().toFloatArray();
        boolean[] right = sampleRight.toBooleanArray();
        boolean[] cells = cellRight.toBooleanArray();
        Random rng = new Random(PuzzleSamples.mix(train.seed(), t, 1));
        int halted = 0;
        double acc = 0;
        double exact = 0;
        double qAcc = 0;
        double steps = 0;
        int seq = model.seqLen();
        for (int i = 0; i < batch; i++) {
            carry.steps[i]++;
            boolean halt = carry.steps[i] >= model.haltMaxSteps() || q[i] > 0;
            if (rng.nextDouble() < train.haltExplorationProb()) {
                int minSteps = 2 + rng.nextInt(model.haltMaxSteps() - 1); // uniform 2..N_sup
                halt &= carry.steps[i] >= minSteps;
            }
            halt |= carry.steps[i] >= model.haltMaxSteps();
            carry.halted[i] = halt;
            if (halt) {
                halted++;
                int ok = 0;
                for (int k = 0; k < seq; k++) {
                    ok += cells[i * seq + k] ? 1 : 0;
                }
                acc += (double) ok / seq;
                exact += right[i] ? 1 : 0;
                qAcc += (q[i] >= 0) == right[i] ? 1 : 0;
                steps += carry.steps[i];
            }
        }
        double lm = lmLoss.getFloat() / batch;
        double ql = qLoss.getFloat() / batch;
        int n = Math.max(halted, 1);
        return new StepMetrics(t, lr, lm + train.qHaltLossWeight() * ql, lm, ql, halted, acc / n, exact / n, qAcc / n, steps / n,
                skippedSteps);
    }

    /** Sign-SGD with decoupled decay on the rows present in the batch: w = w(1 - lr wd) - lr sign(sum of grads). */
    private void updatePuzzleEmbedding(NDArray table, NDArray rowGrads, long t) {
        float lr = train.lrAt(t, train.puzzleEmbLr());
        if (lr == 0) {
            return;
        }
        int d = model.hiddenSize();
        float[] g = rowGrads.toFloatArray();
        Map<Long, float[]> sums = new LinkedHashMap<>();
        for (int i = 0; i < carry.batch; i++) {
            float[] acc = sums.computeIfAbsent(carry.puzzleIds[i], k -> new float[d]);
            for (int k = 0; k < d; k++) {
                acc[k] += g[i * d + k];
            }
        }
        for (Map.Entry<Long, float[]> e : sums.entrySet()) {
            NDIndex row = new NDIndex(e.getKey());
            try (NDManager sm = table.getManager().newSubManager()) {
                float[] w = own(table.get(row), sm).toFloatArray();
                float[] sum = e.getValue();
                for (int k = 0; k < d; k++) {
                    w[k] = w[k] * (1 - lr * train.puzzleEmbWeightDecay()) - lr * Math.signum(sum[k]);
                }
                table.set(row, TorchOwned.of(sm, w, new Shape(d)));
            }
        }
    }

    private void updateEma() {
        if (train.emaRate() == 0) {
            return;
        }
        float rate = train.emaRate();
        for (Map.Entry<String, NDArray> e : trainable.entrySet()) {
            NDArray shadow = ema.get(e.getKey());
            try (NDManager sm = emaManager.newSubManager()) {
                shadow.muli(rate).addi(own(e.getValue().mul(1 - rate), sm));
            }
        }
    }

    private static NDArray own(NDArray a, NDManager m) {
        a.attach(m);
        return a;
    }

    @Override
    public void close() {
        root.close();
    }
}
