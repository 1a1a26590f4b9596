package dev.trm.train;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import dev.trm.io.SafeTensors;
import dev.trm.model.DjlOps;
import dev.trm.model.TorchOwned;
import dev.trm.model.TrmConfig;
import dev.trm.model.TrmParameters;
import dev.trm.model.TrmStep;
import dev.trm.model.TrmWeights;
import dev.trm.task.SeedMix;
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
    private final ActLossHead lossHead;
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
        this.lossHead = new ActLossHead(train.crossEntropy(), train.qHaltLossWeight());
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
        t.carry.restore(c.carry());
        return t;
    }

    /** Everything needed to continue this run, on the host. */
    public Checkpoint snapshot(RunInfo info) {
        Map<String, SafeTensors.Tensor> w = new LinkedHashMap<>();
        weights.arrays().forEach((k, v) -> w.put(k, host(v)));
        Map<String, SafeTensors.Tensor> e = new LinkedHashMap<>();
        if (train.emaRate() > 0) {
            ema.forEach((k, v) -> e.put(k, host(v)));
        }
        Map<String, SafeTensors.Tensor> o = new LinkedHashMap<>();
        optimizer.firstMoments().forEach((k, v) -> o.put("m/" + k, host(v)));
        optimizer.secondMoments().forEach((k, v) -> o.put("v/" + k, host(v)));
        return new Checkpoint(model, train, stepCount, dataPosition, info, w, e, o, carry.toTensors());
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

    /**
     * One optimizer step: one supervision step for every slot of the carry, read as the reference's
     * train_batch: refill halted slots, forward, loss, backward, update when finite, halt.
     */
    public StepMetrics step() {
        long t = ++stepCount;
        refillHaltedSlots();
        float lr = train.lrAt(t, train.lr());
        try (NDManager sm = root.newSubManager()) {
            NDArray rows = puzzleRows(sm);
            ActLossHead.Result loss;
            TrmStep.Outputs<NDArray> out;
            zeroGradients();
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                out = step.forward(weights.ops(sm), TorchOwned.of(sm, carry.tokens, new Shape(carry.batch, model.seqLen())), rows,
                        carry.restart(carry.y, weights.get(TrmParameters.H_INIT), sm),
                        carry.restart(carry.z, weights.get(TrmParameters.L_INIT), sm));
                loss = lossHead.apply(out, TorchOwned.of(sm, carry.labels, new Shape(carry.batch, model.seqLen())), sm);
                gc.backward(loss.total());
            }
            if (!update(loss, rows, t, lr, sm)) {
                skippedSteps++; // a non-finite loss or gradient must not reach the weights
            }
            carry.replaceState(out.y(), out.z());
            float[] qHalt = out.qHalt().stopGradient().toFloatArray();
            carry.advanceAndHalt(qHalt, model.haltMaxSteps(), train.haltExplorationProb(),
                    new Random(SeedMix.mix(train.seed(), t, 1)));
            return metrics(t, lr, loss, qHalt);
        }
    }

    /** The reference fetches a full batch every step; only halted slots take their row (made only for them). */
    private void refillHaltedSlots() {
        for (int i = 0; i < carry.batch; i++) {
            if (carry.halted[i]) {
                carry.load(i, data.at(dataPosition));
            }
            dataPosition++;
        }
    }

    /** The batch's puzzle-embedding rows, a leaf that collects the gradient for the sparse sign-SGD update. */
    private NDArray puzzleRows(NDManager sm) {
        NDArray ids = TorchOwned.of(sm, carry.puzzleIds, new Shape(carry.batch));
        NDArray table = weights.get(TrmParameters.PUZZLE_EMB);
        NDArray rows = table.get(new NDIndex("{}", ids));
        rows.attach(sm); // indexing a weight attaches to the weight's manager
        NDArray leaf = rows.duplicate();
        leaf.setRequiresGradient(true);
        return leaf;
    }

    private void zeroGradients() {
        for (NDArray p : trainable.values()) {
            JniUtils.zeroGrad((PtNDArray) p);
        }
    }

    /** Applies the optimizer, the puzzle-embedding SGD and the EMA, unless the loss or a gradient is not finite. */
    private boolean update(ActLossHead.Result loss, NDArray rows, long t, float lr, NDManager sm) {
        Map<String, NDArray> grads = new LinkedHashMap<>();
        for (Map.Entry<String, NDArray> e : trainable.entrySet()) {
            NDArray g = e.getValue().getGradient();
            g.attach(sm); // a gradient starts out attached to its weight's manager
            grads.put(e.getKey(), g);
        }
        NDArray rowGrads = rows.getGradient();
        rowGrads.attach(sm);
        boolean gradMode = DjlOps.setGradMode(false);
        try {
            if (!finite(loss, grads, rowGrads)) {
                return false;
            }
            optimizer.step(trainable, grads, t, lr);
            updatePuzzleEmbedding(weights.get(TrmParameters.PUZZLE_EMB), rowGrads, t);
            updateEma();
            return true;
        } finally {
            DjlOps.setGradMode(gradMode);
        }
    }

    /** Whether the loss and every gradient are finite (one host read of a few sums). */
    private static boolean finite(ActLossHead.Result loss, Map<String, NDArray> grads, NDArray rowGrads) {
        double total = loss.lmLoss().getFloat() + loss.qHaltLoss().getFloat() + rowGrads.sum().getFloat();
        for (NDArray g : grads.values()) {
            total += g.sum().getFloat();
        }
        return Double.isFinite(total);
    }

    /** Optimizer steps skipped because the loss or a gradient was not finite (NaN or infinite). */
    public long skippedSteps() {
        return skippedSteps;
    }

    /** The reference's training metrics: losses over the batch, accuracies over the slots that halted. */
    private StepMetrics metrics(long t, float lr, ActLossHead.Result loss, float[] qHalt) {
        boolean[] right = loss.sampleRight().toBooleanArray();
        boolean[] cells = loss.cellRight().toBooleanArray();
        int seq = model.seqLen();
        int halted = 0;
        double acc = 0;
        double exact = 0;
        double qAcc = 0;
        double steps = 0;
        for (int i = 0; i < carry.batch; i++) {
            if (carry.halted[i]) {
                halted++;
                int ok = 0;
                for (int k = 0; k < seq; k++) {
                    ok += cells[i * seq + k] ? 1 : 0;
                }
                acc += (double) ok / seq;
                exact += right[i] ? 1 : 0;
                qAcc += (qHalt[i] >= 0) == right[i] ? 1 : 0;
                steps += carry.steps[i];
            }
        }
        double lm = loss.lmLoss().getFloat() / carry.batch;
        double ql = loss.qHaltLoss().getFloat() / carry.batch;
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

    /** Moves an array whose receiver was a long-lived weight into a short-lived manager (DJL attaches results to the receiver's). */
    private static NDArray own(NDArray a, NDManager m) {
        a.attach(m);
        return a;
    }

    @Override
    public void close() {
        root.close();
    }
}
