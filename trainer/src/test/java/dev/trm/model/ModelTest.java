package dev.trm.model;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.BaseNDManager;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import dev.trm.Floats;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModelTest {
    @Test
    void parameterCountsEqualTheReference() {
        assertEquals(5_028_866L, new TrmParameters(Presets.get("sudoku-mlp")).trainableCount());
        assertEquals(6_828_034L, new TrmParameters(Presets.get("sudoku-att")).trainableCount());
        assertEquals(6_822_914L, new TrmParameters(Presets.get("maze-att")).trainableCount());
        assertEquals(6_829_058L, new TrmParameters(Presets.get("arc-att")).trainableCount());
        // HRM's two 4-layer networks: the num_params its authors' training logs (HRM issue #12)
        assertEquals(27_275_266L, new TrmParameters(Presets.get("hrm-sudoku")).trainableCount());
    }

    @Test
    void flopCountsMatchTheReferenceTable() {
        // reference section 9.1: 1.22 G and 1.36 G per network call per sample; 25.6 and 28.6 GFLOP per step
        assertEquals(1.22e9, Flops.perNetworkCall(Presets.get("sudoku-mlp")), 0.01e9);
        assertEquals(1.36e9, Flops.perNetworkCall(Presets.get("sudoku-att")), 0.01e9);
        assertEquals(25.6e9, Flops.perStep(Presets.get("sudoku-mlp")), 0.1e9);
        assertEquals(28.6e9, Flops.perStep(Presets.get("sudoku-att")), 0.1e9);
        assertEquals(15.9e9, Flops.perNetworkCall(Presets.get("maze-att")), 0.1e9);
        // HRM on ARC (L = 901): 6 module calls of 4 layers, 187 GFLOP per step
        TrmConfig hrmArc = Presets.get("hrm-sudoku").toBuilder().task("arc").vocabSize(12).seqLen(900).build();
        assertEquals(187e9, Flops.perStep(hrmArc), 1e9);
    }

    @Test
    void swigluRoundingAndShapes() {
        TrmConfig c = Presets.get("sudoku-mlp");
        assertEquals(1536, c.swigluInter(512));
        assertEquals(512, c.swigluInter(97));
        assertEquals(2560, c.swigluInter(916));
        assertEquals(97, c.workingLength());
        assertEquals(21, c.callsPerStep());
        TrmParameters p = new TrmParameters(c);
        assertArrayEquals(new long[] {1024, 97}, p.spec("L_level.layers.0.mlp_t.gate_up_proj.weight").shape());
        assertArrayEquals(new long[] {97, 512}, p.spec("L_level.layers.1.mlp_t.down_proj.weight").shape());
        assertArrayEquals(new long[] {3072, 512}, p.spec("L_level.layers.0.mlp.gate_up_proj.weight").shape());
        TrmParameters att = new TrmParameters(Presets.get("sudoku-att"));
        assertArrayEquals(new long[] {1536, 512}, att.spec("L_level.layers.0.self_attn.qkv_proj.weight").shape());
        assertArrayEquals(new long[] {2, 512}, att.spec(TrmParameters.Q_HEAD_W).shape());
    }

    @Test
    void initialisationFollowsTheReference() {
        TrmParameters p = new TrmParameters(Presets.get("sudoku-att-tiny"));
        Map<String, float[]> v = p.initialise(3);
        assertArrayEquals(new float[64], v.get(TrmParameters.Q_HEAD_W));
        assertArrayEquals(new float[] {-5f, -5f}, v.get(TrmParameters.Q_HEAD_B));
        assertArrayEquals(new float[32], v.get(TrmParameters.PUZZLE_EMB));
        // LeCun truncated normal: std 1/sqrt(fan_in), clipped at 2.27 std
        float[] w = v.get("L_level.layers.0.mlp.gate_up_proj.weight");
        double std = Math.sqrt(Arrays.stream(Floats.toDouble(w)).map(x -> x * x).average().orElse(0));
        assertEquals(1 / Math.sqrt(32), std, 0.01);
        double max = Arrays.stream(Floats.toDouble(w)).map(Math::abs).max().orElse(0);
        assertTrue(max <= 2 / TrmParameters.TRUNCATED_STD / Math.sqrt(32) + 1e-6 && max > 0.3, "max " + max);
        assertArrayEquals(w, p.initialise(3).get("L_level.layers.0.mlp.gate_up_proj.weight"));
        assertFalse(Arrays.equals(w, p.initialise(4).get("L_level.layers.0.mlp.gate_up_proj.weight")));
    }


    @Test
    void configsAreValidated() {
        TrmConfig c = Presets.get("sudoku-att");
        assertThrows(IllegalArgumentException.class, () -> c.withHiddenSize(100, 8));
        assertThrows(IllegalArgumentException.class, () -> c.withCycles(0, 6, 16));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Presets.get("nope")).getMessage().contains("sudoku-mlp"));
    }

    /** Runs one step with autograd on a tiny preset; returns gradients of the inputs y and z. */
    private static void checkGradientFlow(String preset, int hCycles, boolean inputsGetGradient) {
        TrmConfig c = Presets.get(preset).withCycles(hCycles, 2, 3);
        TrmParameters params = new TrmParameters(c);
        try (NDManager m = NDManager.newBaseManager(Device.cpu());
             TrmWeights w = new TrmWeights(params, params.initialise(1), m, Device.cpu())) {
            for (NDArray a : w.arrays().values()) {
                a.setRequiresGradient(true);
            }
            int b = 3;
            Random rng = new Random(2);
            long[] tok = new long[b * c.seqLen()];
            for (int i = 0; i < tok.length; i++) {
                tok[i] = 1 + rng.nextInt(c.vocabSize() - 1);
            }
            NDArray tokens = m.create(tok, new Shape(b, c.seqLen()));
            Shape state = new Shape(b, c.workingLength(), c.hiddenSize());
            NDArray y = m.randomNormal(state);
            NDArray z = m.randomNormal(state);
            y.setRequiresGradient(true);
            z.setRequiresGradient(true);
            TrmStep step = new TrmStep(c);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector(); NDManager sm = m.newSubManager()) {
                DjlOps ops = w.ops(sm);
                NDArray rows = step.puzzleRows(ops, m.create(new long[b]));
                TrmStep.Outputs<NDArray> out = step.forward(ops, tokens, rows, y, z);
                assertEquals(new Shape(b, c.workingLength(), c.hiddenSize()), out.y().getShape());
                assertEquals(new Shape(b, c.workingLength(), c.hiddenSize()), out.z().getShape());
                assertEquals(new Shape(b, c.seqLen(), c.vocabSize()), out.logits().getShape());
                assertEquals(new Shape(b), out.qHalt().getShape());
                assertEquals(new Shape(b), out.qContinue().getShape());
                // the carry leaves without gradient
                assertFalse(JniUtils.requiresGrad((PtNDArray) out.y()));
                assertFalse(JniUtils.requiresGrad((PtNDArray) out.z()));
                gc.backward(out.logits().sum().add(out.qHalt().sum()));
            }
            float yGrad = y.getGradient().abs().sum().getFloat();
            float zGrad = z.getGradient().abs().sum().getFloat();
            if (inputsGetGradient) {
                assertTrue(yGrad > 0 && zGrad > 0, "with T=1 the only round has gradient");
            } else {
                assertEquals(0f, yGrad, "the first T-1 rounds run without gradient");
                assertEquals(0f, zGrad, "the first T-1 rounds run without gradient");
            }
            for (String name : new String[] {TrmParameters.EMBED_TOKENS, TrmParameters.LM_HEAD, "L_level.layers.1.mlp.down_proj.weight"}) {
                assertTrue(w.get(name).getGradient().abs().sum().getFloat() > 0, name + " gets gradient");
            }
        }
    }

    @Test
    void gradientFlowsOnlyThroughTheLastRound() {
        checkGradientFlow("sudoku-mlp-tiny", 2, false);
        checkGradientFlow("sudoku-att-tiny", 3, false);
        checkGradientFlow("sudoku-mlp-tiny", 1, true);
    }

    /** Each network call's intermediates are freed when the call returns: a step keeps about one array per call. */
    @Test
    void aStepKeepsOnlyTheResultsOfItsNetworkCalls() {
        for (String preset : new String[] {"sudoku-mlp-tiny", "sudoku-att-tiny"}) {
            TrmConfig c = Presets.get(preset);
            TrmParameters params = new TrmParameters(c);
            boolean grad = DjlOps.setGradMode(false);
            try (NDManager m = NDManager.newBaseManager(Device.cpu());
                 TrmWeights w = new TrmWeights(params, params.initialise(1), m, Device.cpu());
                 NDManager sm = m.newSubManager()) {
                int b = 2;
                NDArray tokens = TorchOwned.of(sm, new long[b * c.seqLen()], new Shape(b, c.seqLen()));
                NDArray y = sm.zeros(new Shape(b, c.workingLength(), c.hiddenSize()));
                TrmStep step = new TrmStep(c);
                DjlOps ops = w.ops(sm);
                int before = ((BaseNDManager) sm).getManagedArrays().size();
                step.forward(ops, tokens, step.puzzleRows(ops, TorchOwned.of(sm, new long[b], new Shape(b))), y, y);
                int kept = ((BaseNDManager) sm).getManagedArrays().size() - before;
                // input embedding and heads (about 25 arrays) plus one result per call; one unscoped call alone makes ~70
                assertTrue(kept < 40 + c.callsPerStep(), preset + ": the step left " + kept + " arrays for "
                        + c.callsPerStep() + " network calls");
            } finally {
                DjlOps.setGradMode(grad);
            }
        }
    }
}
