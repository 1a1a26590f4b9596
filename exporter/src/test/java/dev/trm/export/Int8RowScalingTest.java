package dev.trm.export;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The int8 product scales each row of activations on its own: a token whose features are a
 * thousand times smaller than its neighbour's keeps its precision (one scale for the whole tensor
 * would round it to zero).
 */
class Int8RowScalingTest {
    static final String WEIGHT = "L_level.layers.0.mlp.down_proj.weight";
    static final int IN = 64;
    static final int OUT = 32;
    static final float SMALL = 1e-3f;
    static final float LARGE = 10f;
    /** Relative error of a row's product that int8 with a per-row scale stays well within. */
    static final double ROW_TOLERANCE = 0.03;

    @Test
    void aRowOfTinyActivationsKeepsItsPrecisionNextToARowOfLargeOnes() throws Exception {
        Random rnd = new Random(7);
        float[] w = new float[OUT * IN];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) rnd.nextGaussian() / (float) Math.sqrt(IN);
        }
        float[] x = new float[2 * IN];
        for (int j = 0; j < IN; j++) {
            x[j] = SMALL * (float) rnd.nextGaussian();
            x[IN + j] = LARGE * (float) rnd.nextGaussian();
        }
        float[] got = run(w, x);
        for (int row = 0; row < 2; row++) {
            double err = 0;
            double norm = 0;
            for (int o = 0; o < OUT; o++) {
                double want = 0;
                for (int j = 0; j < IN; j++) {
                    want += (double) x[row * IN + j] * w[o * IN + j];
                }
                err += (got[row * OUT + o] - want) * (got[row * OUT + o] - want);
                norm += want * want;
            }
            double rel = Math.sqrt(err / norm);
            assertTrue(rel < ROW_TOLERANCE, "row " + row + ": relative error " + rel);
        }
    }

    /** x [1, 2, IN] (a batch of one) times the weight's transpose through the recorder's int8 linear, in ONNX Runtime. */
    private static float[] run(float[] w, float[] x) throws Exception {
        OnnxRecorder rec = new OnnxRecorder(Map.of(WEIGHT, w), Map.of(WEIGHT, new long[] {OUT, IN}), WeightEncoding.INT8.withActivations(WeightEncoding.ActivationScales.ROWS));
        rec.output(rec.linear("x", rec.param(WEIGHT)), "y");
        OnnxMl.GraphProto graph = OnnxMl.GraphProto.newBuilder().setName("int8_linear").addAllNode(rec.nodes())
                .addAllInitializer(rec.initializers())
                .addInput(StepExport.value("x", OnnxMl.TensorProto.DataType.FLOAT, 2, IN))
                .addOutput(StepExport.value("y", OnnxMl.TensorProto.DataType.FLOAT, 2, OUT)).build();
        byte[] model = OnnxMl.ModelProto.newBuilder().setIrVersion(StepExport.IR_VERSION)
                .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setDomain("").setVersion(StepExport.OPSET))
                .setGraph(graph).build().toByteArray();
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession s = env.createSession(model, new OrtSession.SessionOptions());
             OnnxTensor in = OnnxTensor.createTensor(env, FloatBuffer.wrap(x), new long[] {1, 2, IN});
             OrtSession.Result r = s.run(Map.of("x", in))) {
            return ((OnnxTensor) r.get(0)).getFloatBuffer().array();
        }
    }
}
