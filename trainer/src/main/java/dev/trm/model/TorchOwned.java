package dev.trm.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * Arrays whose memory PyTorch itself owns, for everything the trainer creates from Java values.
 *
 * <p>DJL's PyTorch engine turns Java data into a tensor with {@code from_blob} over a direct
 * buffer that only the Java {@code NDArray} keeps alive. Its scalar overloads ({@code mul(Number)},
 * {@code div(Number)}, {@code pow(Number)}, {@code maximum(Number)}, ...) make such a 0-d tensor,
 * use it and close it at once. Autograd, however, saves that operand for the backward pass; when
 * the garbage collector then frees the buffer, backward reads freed memory and the gradients come
 * out as garbage or NaN, differently in every process. So: arrays made from Java values are copied
 * into PyTorch-owned storage here, and code that records gradients multiplies, divides or compares
 * by {@link #scalar} arrays, never by a Java number ({@code TorchOwnedTest} reproduces the fault).
 */
public final class TorchOwned {
    private TorchOwned() {
    }

    /** A 0-d array of {@code value} in {@code like}'s dtype and on its device, attached to {@code manager}. */
    public static NDArray scalar(NDManager manager, float value, NDArray like) {
        NDArray s = manager.full(new Shape(), value, like.getDataType());
        NDArray on = s.toDevice(like.getDevice(), false);
        if (on != s) {
            s.close();
        }
        return on;
    }

    /** A float array with a PyTorch-owned copy of {@code values}. */
    public static NDArray of(NDManager manager, float[] values, Shape shape) {
        try (NDArray blob = manager.create(values, shape)) {
            return blob.duplicate();
        }
    }

    /** An int64 array with a PyTorch-owned copy of {@code values}. */
    public static NDArray of(NDManager manager, long[] values, Shape shape) {
        try (NDArray blob = manager.create(values, shape)) {
            return blob.duplicate();
        }
    }
}
