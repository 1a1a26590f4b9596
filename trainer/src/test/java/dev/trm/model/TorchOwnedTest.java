package dev.trm.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.trm.train.Losses;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Gradients must not depend on the garbage collector. Between forward and backward these tests free
 * whatever Java buffers are unreachable and refill small native blocks with NaN: an operand that
 * autograd kept but Java freed (DJL's {@code mul(Number)} and friends, see {@link TorchOwned}) then
 * reads NaN. Before the fix, 14 of 20 such trials of {@code x.mul(3f)} came back NaN.
 */
class TorchOwnedTest {
    private static final int TRIALS = 10;

    /** Frees unreachable direct buffers and reuses small native blocks, filled with NaN. */
    private static List<ByteBuffer> churn() {
        System.gc();
        List<ByteBuffer> keep = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            ByteBuffer b = ByteBuffer.allocateDirect(4 << (i % 4)).order(ByteOrder.nativeOrder());
            for (int k = 0; k + 4 <= b.capacity(); k += 4) {
                b.putFloat(k, Float.NaN);
            }
            keep.add(b);
        }
        return keep;
    }

    /** d(loss)/dx for x = values, with a GC and native-memory churn between forward and backward. */
    private static float[] gradient(float[] values, Shape shape, Function<NDArray, NDArray> loss, boolean churn) {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = TorchOwned.of(m, values, shape);
            x.setRequiresGradient(true);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray l = loss.apply(x);
                List<ByteBuffer> held = churn ? churn() : null;
                gc.backward(l);
                assertTrue(held == null || !held.isEmpty());
            }
            return x.getGradient().toFloatArray();
        }
    }

    @Test
    void scaleAndShiftKeepTheirOperandsUntilBackward() {
        float[] v = {1, 2, 3, 4};
        for (int trial = 0; trial < TRIALS; trial++) {
            float[] g = gradient(v, new Shape(4), x -> {
                DjlOps ops = new DjlOps(new HashMap<>(Map.of("w", x)), new HashMap<>(), x.getManager());
                return ops.addScalar(ops.scale(x, 3f), 0.5f).sum();
            }, true);
            assertArrayEquals(new float[] {3, 3, 3, 3}, g, "trial " + trial);
        }
    }

    @Test
    void lossGradientsDoNotDependOnTheCollector() {
        float[] v = {1.5f, -0.5f, 0.2f, -2f, 0.7f, -1.1f};
        Shape shape = new Shape(1, 2, 3);
        Function<NDArray, NDArray> loss = x -> {
            NDManager m = x.getManager();
            NDArray labels = TorchOwned.of(m, new long[] {2, 0}, new Shape(1, 2));
            NDArray mask = TorchOwned.of(m, new float[] {1, 1}, new Shape(1, 2));
            NDArray lm = Losses.lmLoss(Losses.CrossEntropy.STABLEMAX, x, labels, mask, m);
            NDArray q = Losses.bceWithLogitsSum(x.sum(new int[] {-1, -2}), TorchOwned.of(m, new float[] {1}, new Shape(1)), m);
            return lm.add(q);
        };
        float[] calm = gradient(v, shape, loss, false);
        for (float g : calm) {
            assertTrue(Float.isFinite(g) && g != 0, "gradient " + g);
        }
        for (int trial = 0; trial < TRIALS; trial++) {
            assertArrayEquals(calm, gradient(v, shape, loss, true), "trial " + trial);
        }
    }

    @Test
    void scalarTakesTheDtypeOfItsLike() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray ints = TorchOwned.of(m, new long[] {1, 2}, new Shape(2));
            NDArray s = TorchOwned.scalar(m, 7f, ints);
            assertEquals(ints.getDataType(), s.getDataType());
            assertEquals(new Shape(), s.getShape());
            assertEquals(7L, s.getLong());
        }
    }
}
