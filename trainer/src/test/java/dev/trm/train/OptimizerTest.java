package dev.trm.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OptimizerTest {
    private static float[] run(Optimizer.Kind kind, float[][] grads) {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray p = m.create(new float[] {1.0f, -2.0f});
            Map<String, NDArray> params = Map.of("p", p);
            try (Optimizer opt = new Optimizer(kind, 0.9f, 0.95f, 0.5f, params, m)) {
                for (int t = 0; t < grads.length; t++) {
                    opt.step(params, Map.of("p", m.create(grads[t])), t + 1, 0.1f);
                }
            }
            return p.toFloatArray();
        }
    }

    @Test
    void adamAtan2OneStepByHand() {
        float[] g = {0.5f, -0.1f};
        float[] p = run(Optimizer.Kind.ADAM_ATAN2, new float[][] {g});
        // decay: p (1 - lr wd) = p 0.95; m = 0.1 g; v = 0.05 g^2; bias corrections 0.1 and 0.05;
        // update = (lr / 0.1) atan2(0.1 g, |g|) = atan2(0.1 g, |g|)
        assertEquals(0.95 - Math.atan2(0.05, 0.5), p[0], 1e-6);
        assertEquals(-1.9 - Math.atan2(-0.01, 0.1), p[1], 1e-6);
    }

    @Test
    void adamAtan2TwoStepsByHand() {
        float[][] g = {{0.5f, -0.1f}, {-0.2f, 0.3f}};
        float[] p = run(Optimizer.Kind.ADAM_ATAN2, g);
        double[] expected = {1.0, -2.0};
        double[] m = new double[2];
        double[] v = new double[2];
        for (int t = 1; t <= 2; t++) {
            for (int i = 0; i < 2; i++) {
                double gi = g[t - 1][i];
                expected[i] *= 1 - 0.1 * 0.5;
                m[i] += 0.1 * (gi - m[i]);
                v[i] += 0.05 * (gi * gi - v[i]);
                double bc1 = 1 - Math.pow(0.9, t);
                double bc2 = 1 - Math.pow(0.95, t);
                expected[i] -= 0.1 / bc1 * Math.atan2(m[i], Math.sqrt(v[i]) / Math.sqrt(bc2));
            }
        }
        assertEquals(expected[0], p[0], 1e-6);
        assertEquals(expected[1], p[1], 1e-6);
    }

    @Test
    void adamWOneStepByHand() {
        float[] p = run(Optimizer.Kind.ADAMW, new float[][] {{0.5f, -0.1f}});
        // m/bc1 = g, sqrt(v/bc2) = |g|: update = lr g / (|g| + eps)
        assertEquals(0.95 - 0.1 * 0.5 / (0.5 + 1e-8), p[0], 1e-6);
        assertEquals(-1.9 + 0.1 * 0.1 / (0.1 + 1e-8), p[1], 1e-6);
    }
}
