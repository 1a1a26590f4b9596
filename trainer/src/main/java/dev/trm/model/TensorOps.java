package dev.trm.model;

import java.util.List;
import java.util.function.Supplier;

/**
 * The tensor operations the TRM step needs, and nothing more. The step is written once against
 * this interface: DJL arrays run it for training and evaluation, an ONNX graph recorder runs it to
 * export. Shapes use -1 for "whatever is left" (the batch).
 *
 * <p>Semantics follow PyTorch/ONNX broadcasting; {@code linear} multiplies by the transposed weight
 * ({@code [out, in]} layout, as {@code nn.Linear} stores it).
 *
 * @param <T> the backend's tensor type
 */
public interface TensorOps<T> {
    /** A model parameter or buffer by its state-dict name (see {@link TrmParameters}). */
    T param(String name);

    /** A constant table computed from the configuration (RoPE angles, masks). */
    T constant(String name, float[] values, long... shape);

    /** Rows of {@code table} ([rows, D]) picked by int64 {@code ids} of any shape: [..., D]. */
    T embedding(T table, T ids);

    /** {@code x @ weight^T}, weight [out, in]. */
    T linear(T x, T weight);

    T matMul(T a, T b);

    T add(T a, T b);

    T mul(T a, T b);

    T div(T a, T b);

    T scale(T x, float factor);

    T addScalar(T x, float value);

    T neg(T x);

    T sqrt(T x);

    T sigmoid(T x);

    /** Mean over one axis (negative counts from the end), keeping it with size 1. */
    T mean(T x, int axis);

    T softmaxLastAxis(T x);

    /** Elements [start, end) of one axis. */
    T slice(T x, int axis, long start, long end);

    T concat(List<T> parts, int axis);

    T reshape(T x, long... shape);

    T permute(T x, int... axes);

    /** Runs a block whose operations must not record gradients (identity for inference backends). */
    <R> R withoutGradient(Supplier<R> block);

    /** Cuts the gradient path (identity for inference backends). */
    T detach(T x);

    /** Names the operations recorded inside; closing the scope ends the name. No effect where names do not matter. */
    Scope scope(String name);

    /**
     * Runs {@code body} in a named scope after which only the tensor it returns lives on. A backend
     * may free the block's intermediates at its end (DJL does; PyTorch still keeps what backward
     * needs), so a step holds one network call's intermediates at a time, not all T x (n + 1).
     */
    default T scoped(String name, Supplier<T> body) {
        try (Scope s = scope(name)) {
            return body.get();
        }
    }

    /** A naming scope; try-with-resources closes it. */
    interface Scope extends AutoCloseable {
        @Override
        void close();
    }
}
