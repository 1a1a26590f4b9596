package dev.trm.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.trm.Floats;
import org.junit.jupiter.api.Test;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LossesTest {
    @Test
    void stablemaxAgainstHandValues() {
        try (NDManager m = NDManager.newBaseManager()) {
            // s(1) = 2, s(-1) = 1/2, s(0) = 1: p = [2, .5, 1] / 3.5
            NDArray logits = m.create(new float[] {1, -1, 0, 3, 0, -3}, new Shape(1, 2, 3));
            NDArray labels = m.create(new long[] {0, 2}, new Shape(1, 2));
            NDArray mask = m.create(new float[] {1, 1}, new Shape(1, 2));
            float[] perCell = Losses.crossEntropy(Losses.CrossEntropy.STABLEMAX, logits, labels, mask, m).toFloatArray();
            assertEquals(-Math.log(2 / 3.5), perCell[0], 1e-6);
            // [3, 0, -3]: s = [4, 1, 1/4]; label 2 -> p = .25 / 5.25
            assertEquals(-Math.log(0.25 / 5.25), perCell[1], 1e-6);
            double lm = Losses.lmLoss(Losses.CrossEntropy.STABLEMAX, logits, labels, mask, m).getFloat();
            assertEquals((perCell[0] + perCell[1]) / 2, lm, 1e-6);
            // a masked cell does not count, and the mean is over counted cells only
            NDArray half = m.create(new float[] {1, 0}, new Shape(1, 2));
            assertEquals(perCell[0], Losses.lmLoss(Losses.CrossEntropy.STABLEMAX, logits, labels, half, m).getFloat(), 1e-6);
            double soft = Losses.crossEntropy(Losses.CrossEntropy.SOFTMAX, logits, labels, mask, m).toFloatArray()[0];
            assertEquals(-Math.log(Math.E / (Math.E + Math.exp(-1) + 1)), soft, 1e-6);
        }
    }

    @Test
    void stablemaxGradientAgainstFiniteDifferences() {
        try (NDManager m = NDManager.newBaseManager()) {
            float[] v = {1.5f, -0.5f, 0.2f, -2f};
            NDArray x = m.create(v, new Shape(1, 1, 4));
            x.setRequiresGradient(true);
            NDArray labels = m.create(new long[] {2}, new Shape(1, 1));
            NDArray mask = m.create(new float[] {1}, new Shape(1, 1));
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                gc.backward(Losses.lmLoss(Losses.CrossEntropy.STABLEMAX, x, labels, mask, m));
            }
            float[] grad = x.getGradient().toFloatArray();
            for (int i = 0; i < v.length; i++) {
                double h = 1e-6;
                double[] plus = new double[4];
                for (int j = 0; j < 4; j++) {
                    plus[j] = v[j] + (j == i ? h : 0);
                }
                double numeric = (stablemaxLoss(plus, 2) - stablemaxLoss(Floats.toDouble(v), 2)) / h;
                assertEquals(numeric, grad[i], 1e-4, "d loss / d logit " + i);
            }
        }
    }


    @Test
    void stablemaxGradientStaysFiniteAtTheBranchPoints() {
        try (NDManager m = NDManager.newBaseManager()) {
            // v = 1 made the unpicked branch 1/(1 - v) overflow in float32 and turned the gradient into NaN
            NDArray x = m.create(new float[] {1f, 0f, -1f, 1e6f, -1e6f}, new Shape(1, 1, 5));
            x.setRequiresGradient(true);
            NDArray labels = m.create(new long[] {0}, new Shape(1, 1));
            NDArray mask = m.create(new float[] {1}, new Shape(1, 1));
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                gc.backward(Losses.lmLoss(Losses.CrossEntropy.STABLEMAX, x, labels, mask, m));
            }
            for (float g : x.getGradient().toFloatArray()) {
                assertTrue(Float.isFinite(g), "finite gradient, got " + g);
            }
        }
    }

    private static double stablemaxLoss(double[] x, int label) {
        double total = 0;
        double[] s = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            s[i] = x[i] < 0 ? 1 / (1 - x[i]) : x[i] + 1;
            total += s[i];
        }
        return -Math.log(s[label] / total);
    }

    @Test
    void bceWithLogitsAgainstHandValues() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.create(new float[] {2, -1, 0.5f});
            NDArray t = m.create(new float[] {1, 1, 0});
            double expected = Math.log1p(Math.exp(-2)) + Math.log1p(Math.exp(1)) + Math.log1p(Math.exp(0.5));
            assertEquals(expected, Losses.bceWithLogitsSum(x, t, m).getFloat(), 1e-6);
            // large logits stay finite
            NDArray big = m.create(new float[] {100, -100});
            assertArrayEquals(new float[] {200f}, new float[] {Losses.bceWithLogitsSum(big, m.create(new float[] {0, 1}), m).getFloat()}, 1e-3f);
        }
    }
}
