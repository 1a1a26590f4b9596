package dev.trm.runtime;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.util.Arrays;
import java.util.Map;

/**
 * Checks a step file's metadata against the shapes its graph really has, so an edited or mismatched
 * field is a load error naming the field, not a wrong answer or an index error later. The batch
 * dimension is symbolic (-1); every other dimension must equal the metadata's value.
 */
final class GraphCheck {
    private static final long BATCH = -1;

    private GraphCheck() {
    }

    static void requireMatches(OrtSession session, ModelInfo info, String source) throws OrtException {
        Map<String, NodeInfo> in = session.getInputInfo();
        Map<String, NodeInfo> out = session.getOutputInfo();
        long s = info.seqLen();
        long l = info.workingLength();
        long d = info.hiddenSize();
        long v = info.vocabSize();
        String sl = StepContract.SEQ_LEN;
        String ld = StepContract.WORKING_LENGTH + ", " + StepContract.HIDDEN;
        expect(in, StepContract.IN_TOKENS, OnnxJavaType.INT64, new long[] {BATCH, s}, sl, source);
        expect(in, StepContract.IN_PUZZLE_IDS, OnnxJavaType.INT64, new long[] {BATCH}, null, source);
        expect(in, StepContract.IN_Y, OnnxJavaType.FLOAT, new long[] {BATCH, l, d}, ld, source);
        expect(in, StepContract.IN_Z, OnnxJavaType.FLOAT, new long[] {BATCH, l, d}, ld, source);
        expect(out, StepContract.OUT_Y, OnnxJavaType.FLOAT, new long[] {BATCH, l, d}, ld, source);
        expect(out, StepContract.OUT_Z, OnnxJavaType.FLOAT, new long[] {BATCH, l, d}, ld, source);
        expect(out, StepContract.OUT_LOGITS, OnnxJavaType.FLOAT, new long[] {BATCH, s, v}, sl + ", " + StepContract.VOCAB, source);
        expect(out, StepContract.OUT_Q_HALT, OnnxJavaType.FLOAT, new long[] {BATCH}, null, source);
        expect(out, StepContract.OUT_Q_CONTINUE, OnnxJavaType.FLOAT, new long[] {BATCH}, null, source);
    }

    private static void expect(Map<String, NodeInfo> nodes, String name, OnnxJavaType type, long[] shape, String fields,
                               String source) {
        if (!(nodes.get(name).getInfo() instanceof TensorInfo)) {
            throw new ModelLoadException(source + ": graph value '" + name + "' is not a tensor");
        }
        TensorInfo t = (TensorInfo) nodes.get(name).getInfo();
        if (t.type != type) {
            throw new ModelLoadException(source + ": graph value '" + name + "' is " + t.type + ", the step contract needs " + type);
        }
        if (!Arrays.equals(t.getShape(), shape)) {
            throw new ModelLoadException(source + ": the metadata does not match the graph: '" + name + "' is "
                    + describe(t.getShape()) + " in the graph but " + describe(shape) + " by the metadata"
                    + (fields != null ? " (" + fields + ")" : ""));
        }
    }

    private static String describe(long[] shape) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < shape.length; i++) {
            sb.append(i > 0 ? ", " : "").append(shape[i] < 0 ? StepContract.BATCH_DIM : Long.toString(shape[i]));
        }
        return sb.append(']').toString();
    }
}
