package dev.trm.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.trm.model.TorchOwned;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Adam-family optimizers with decoupled weight decay on every trainable tensor, as the reference
 * trains: {@link Kind#ADAM_ATAN2} (no epsilon; the update is atan2(m, sqrt(v)), bounded) and
 * {@link Kind#ADAMW}. Updates run without gradient recording, in place.
 */
public final class Optimizer implements AutoCloseable {
    /** AdamW's epsilon. */
    public static final float ADAMW_EPS = 1e-8f;

    public enum Kind { ADAM_ATAN2, ADAMW }

    private final Kind kind;
    private final float beta1;
    private final float beta2;
    private final float weightDecay;
    private final NDManager manager;
    private final Map<String, NDArray> m = new LinkedHashMap<>();
    private final Map<String, NDArray> v = new LinkedHashMap<>();

    public Optimizer(Kind kind, float beta1, float beta2, float weightDecay, Map<String, NDArray> params, NDManager parent) {
        this.kind = kind;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.weightDecay = weightDecay;
        this.manager = parent.newSubManager();
        for (Map.Entry<String, NDArray> e : params.entrySet()) {
            m.put(e.getKey(), manager.zeros(e.getValue().getShape(), e.getValue().getDataType(), e.getValue().getDevice()));
            v.put(e.getKey(), manager.zeros(e.getValue().getShape(), e.getValue().getDataType(), e.getValue().getDevice()));
        }
    }

    /** Puts saved moments of one tensor back (resuming a run). */
    public void restore(String name, float[] first, float[] second) {
        NDArray oldM = m.get(name);
        NDArray oldV = v.get(name);
        m.put(name, TorchOwned.of(manager, first, oldM.getShape()));
        v.put(name, TorchOwned.of(manager, second, oldV.getShape()));
        oldM.close();
        oldV.close();
    }

    /** First and second moments by tensor name, for checkpoints. */
    public Map<String, NDArray> firstMoments() {
        return m;
    }

    public Map<String, NDArray> secondMoments() {
        return v;
    }

    /**
     * Applies update number {@code t} (1-based) with learning rate {@code lr} to each parameter
     * from its gradient.
     */
    public void step(Map<String, NDArray> params, Map<String, NDArray> grads, long t, float lr) {
        // runs with gradient recording off, so the Java-number operands below are used at once and
        // never kept for a backward pass (see TorchOwned)
        double bc1 = 1 - Math.pow(beta1, t);
        double bc2 = 1 - Math.pow(beta2, t);
        for (Map.Entry<String, NDArray> e : params.entrySet()) {
            NDArray p = e.getValue();
            NDArray g = grads.get(e.getKey());
            NDArray mi = m.get(e.getKey());
            NDArray vi = v.get(e.getKey());
            try (NDManager scratch = manager.newSubManager()) {
                p.muli(1 - lr * weightDecay);
                mi.addi(own(own(g.sub(mi), scratch).mul(1 - beta1), scratch));
                vi.addi(own(own(own(g.square(), scratch).sub(vi), scratch).mul(1 - beta2), scratch));
                NDArray denom = own(own(vi.sqrt(), scratch).div(Math.sqrt(bc2)), scratch);
                NDArray update;
                if (kind == Kind.ADAM_ATAN2) {
                    update = own(mi.atan2(denom), scratch);
                } else {
                    update = own(mi.div(own(denom.add(ADAMW_EPS), scratch)), scratch);
                }
                p.subi(own(update.mul(lr / bc1), scratch));
            }
        }
    }

    private static NDArray own(NDArray a, NDManager scratch) {
        if (a.getManager() != scratch) {
            a.attach(scratch);
        }
        return a;
    }

    @Override
    public void close() {
        manager.close();
    }
}
