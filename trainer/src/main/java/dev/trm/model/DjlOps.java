package dev.trm.model;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * {@link TensorOps} over DJL arrays (PyTorch engine), with autograd. Every result is attached to
 * the step's manager, so closing that manager frees all intermediates of the step (DJL would
 * otherwise attach results to the manager of their first input, which can be a long-lived weight).
 */
public final class DjlOps implements TensorOps<NDArray> {
    private static final Scope NO_SCOPE = () -> { };

    private final Map<String, NDArray> params;
    private final Map<String, NDArray> constants;
    /** Where results go: the step's manager, or the manager of the innermost {@link #scoped} block. */
    private NDManager current;

    /**
     * @param params    tensors by state-dict name (weights or their EMA copies)
     * @param constants a cache for constant tables, kept by the caller across steps
     * @param step      the manager that owns this step's intermediates
     */
    public DjlOps(Map<String, NDArray> params, Map<String, NDArray> constants, NDManager step) {
        this.params = params;
        this.constants = constants;
        this.current = step;
    }

    private NDArray own(NDArray a) {
        a.attach(current);
        return a;
    }

    @Override
    public NDArray param(String name) {
        NDArray p = params.get(name);
        if (p == null) {
            throw new IllegalArgumentException("no tensor named '" + name + "'");
        }
        return p;
    }

    @Override
    public NDArray constant(String name, float[] values, long... shape) {
        NDArray c = constants.get(name);
        if (c == null) {
            NDManager owner = params.values().iterator().next().getManager();
            c = TorchOwned.of(owner, values, new Shape(shape)).toDevice(params.values().iterator().next().getDevice(), false);
            c.attach(owner);
            constants.put(name, c);
        }
        return c;
    }

    /**
     * Tables up to this many rows (the token vocabularies) are looked up by a one-hot product: its
     * backward is a matmul, whereas PyTorch's indexing backward adds rows with atomic float adds on
     * more than one thread, so the sums (and the training run) would change from process to process.
     */
    static final int ONE_HOT_MAX_ROWS = 64;

    @Override
    public NDArray embedding(NDArray table, NDArray ids) {
        long rows = table.getShape().get(0);
        if (rows <= ONE_HOT_MAX_ROWS) {
            return own(own(ids.oneHot((int) rows, table.getDataType())).matMul(table));
        }
        return own(table.get(new NDIndex("{}", ids)));
    }

    @Override
    public NDArray linear(NDArray x, NDArray weight) {
        return own(x.matMul(own(weight.transpose())));
    }

    @Override
    public NDArray matMul(NDArray a, NDArray b) {
        if (a.getShape().dimension() == 2 && b.getShape().dimension() == 3) {
            // W [I, L] x h [B, L, D] as (h^T W^T)^T: PyTorch folds [B, D, L] x [L, I] into one GEMM, and the
            // weight's gradient into one GEMM too, instead of a batched product over an expanded weight with
            // copies (sudoku-mlp-small at batch 64: 1.10 s per training step instead of 1.40)
            NDArray hT = own(b.transpose(0, 2, 1));
            return own(own(hT.matMul(own(a.transpose()))).transpose(0, 2, 1));
        }
        return own(a.matMul(b));
    }

    @Override
    public NDArray add(NDArray a, NDArray b) {
        return own(a.add(b));
    }

    @Override
    public NDArray mul(NDArray a, NDArray b) {
        return own(a.mul(b));
    }

    @Override
    public NDArray div(NDArray a, NDArray b) {
        return own(a.div(b));
    }

    @Override
    public NDArray scale(NDArray x, float factor) {
        return own(x.mul(own(TorchOwned.scalar(current, factor, x))));
    }

    @Override
    public NDArray addScalar(NDArray x, float value) {
        return own(x.add(own(TorchOwned.scalar(current, value, x))));
    }

    @Override
    public NDArray neg(NDArray x) {
        return own(x.neg());
    }

    @Override
    public NDArray sqrt(NDArray x) {
        return own(x.sqrt());
    }

    @Override
    public NDArray sigmoid(NDArray x) {
        return own(x.getNDArrayInternal().sigmoid());
    }

    @Override
    public NDArray mean(NDArray x, int axis) {
        return own(x.mean(new int[] {axis}, true));
    }

    @Override
    public NDArray softmaxLastAxis(NDArray x) {
        return own(x.softmax(-1));
    }

    @Override
    public NDArray slice(NDArray x, int axis, long start, long end) {
        NDIndex index = new NDIndex();
        for (int i = 0; i < axis; i++) {
            index.addAllDim();
        }
        index.addSliceDim(start, end);
        return own(x.get(index));
    }

    @Override
    public NDArray concat(List<NDArray> parts, int axis) {
        return own(NDArrays.concat(new NDList(parts), axis));
    }

    @Override
    public NDArray reshape(NDArray x, long... shape) {
        return own(x.reshape(shape));
    }

    @Override
    public NDArray permute(NDArray x, int... axes) {
        return own(x.transpose(axes));
    }

    @Override
    public <R> R withoutGradient(Supplier<R> block) {
        boolean before = setGradMode(false);
        try {
            return block.get();
        } finally {
            setGradMode(before);
        }
    }

    /**
     * Sets PyTorch's (thread-local) gradient recording, loading the engine first so the native call
     * cannot come before the natives; returns the previous mode for restoring.
     */
    public static boolean setGradMode(boolean on) {
        Engine.getEngine("PyTorch");
        boolean before = JniUtils.isGradMode();
        JniUtils.setGradMode(on);
        return before;
    }

    /** Sets PyTorch's CPU (intra-op) threads, loading the engine first. */
    public static void setThreads(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
        Engine.getEngine("PyTorch");
        JniUtils.setNumThreads(threads);
    }

    @Override
    public NDArray detach(NDArray x) {
        return own(x.stopGradient());
    }

    @Override
    public Scope scope(String name) {
        return NO_SCOPE;
    }

    /** Runs the block on a sub-manager that is closed at its end; only the result moves out to the enclosing one. */
    @Override
    public NDArray scoped(String name, Supplier<NDArray> body) {
        NDManager outer = current;
        NDManager inner = outer.newSubManager();
        current = inner;
        try {
            NDArray result = body.get();
            if (result.getManager() == inner) {
                result.attach(outer);
            }
            return result;
        } finally {
            current = outer;
            inner.close();
        }
    }
}
