package dev.trm.export;

import ai.onnx.proto.OnnxMl;
import dev.trm.model.Architecture;
import dev.trm.model.TrmConfig;
import dev.trm.model.TrmParameters;
import dev.trm.model.TrmStep;
import dev.trm.runtime.StepContract;
import dev.trm.task.TaskKind;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Builds the ONNX model of one supervision step by running {@link TrmStep} against an
 * {@link OnnxRecorder}: the same code the trainer runs, with the T x (n + 1) network calls
 * unrolled. Equal inputs give byte-identical files.
 */
public final class StepExport {
    /** ONNX opset of the graph (ReduceMean takes its axes as an attribute up to 17). */
    public static final int OPSET = 17;
    /** IR version matching opset 17. */
    public static final long IR_VERSION = 8;
    public static final String PRODUCER = "trm-export";
    public static final String PRODUCER_VERSION = "0.1.0";

    private StepExport() {
    }

    /**
     * @param config     the architecture
     * @param values     every tensor by state-dict name (EMA weights for a trained model)
     * @param provenance extra metadata (source checkpoint, step, data set, accuracy), keys from {@link StepContract}
     */
    public static OnnxMl.ModelProto build(TrmConfig config, Map<String, float[]> values, Map<String, String> provenance) {
        return build(config, values, provenance, WeightEncoding.FP32);
    }

    /** The step with its weights stored and multiplied as {@code encoding} says. */
    public static OnnxMl.ModelProto build(TrmConfig config, Map<String, float[]> values, Map<String, String> provenance,
                                          WeightEncoding encoding) {
        TrmParameters params = new TrmParameters(config);
        Map<String, long[]> shapes = new LinkedHashMap<>();
        for (TrmParameters.Spec s : params.specs()) {
            shapes.put(s.name(), s.shape());
        }
        OnnxRecorder rec = new OnnxRecorder(values, shapes, encoding);
        TrmStep step = new TrmStep(config);
        String rows = step.puzzleRows(rec, StepContract.IN_PUZZLE_IDS);
        TrmStep.Outputs<String> out = step.forward(rec, StepContract.IN_TOKENS, rows, StepContract.IN_Y, StepContract.IN_Z);
        rec.output(out.y(), StepContract.OUT_Y);
        rec.output(out.z(), StepContract.OUT_Z);
        rec.output(out.logits(), StepContract.OUT_LOGITS);
        rec.output(out.qHalt(), StepContract.OUT_Q_HALT);
        rec.output(out.qContinue(), StepContract.OUT_Q_CONTINUE);

        int len = config.workingLength();
        int d = config.hiddenSize();
        OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder().setName("trm_step")
                .addAllNode(rec.nodes()).addAllInitializer(rec.initializers())
                .addInput(value(StepContract.IN_TOKENS, OnnxMl.TensorProto.DataType.INT64, config.seqLen()))
                .addInput(value(StepContract.IN_PUZZLE_IDS, OnnxMl.TensorProto.DataType.INT64))
                .addInput(value(StepContract.IN_Y, OnnxMl.TensorProto.DataType.FLOAT, len, d))
                .addInput(value(StepContract.IN_Z, OnnxMl.TensorProto.DataType.FLOAT, len, d))
                .addOutput(value(StepContract.OUT_Y, OnnxMl.TensorProto.DataType.FLOAT, len, d))
                .addOutput(value(StepContract.OUT_Z, OnnxMl.TensorProto.DataType.FLOAT, len, d))
                .addOutput(value(StepContract.OUT_LOGITS, OnnxMl.TensorProto.DataType.FLOAT, config.seqLen(), config.vocabSize()))
                .addOutput(value(StepContract.OUT_Q_HALT, OnnxMl.TensorProto.DataType.FLOAT))
                .addOutput(value(StepContract.OUT_Q_CONTINUE, OnnxMl.TensorProto.DataType.FLOAT));
        OnnxMl.ModelProto.Builder m = OnnxMl.ModelProto.newBuilder().setIrVersion(IR_VERSION)
                .setProducerName(PRODUCER).setProducerVersion(PRODUCER_VERSION).setModelVersion(StepContract.FORMAT_VERSION)
                .setDocString("One TRM supervision step (x, y, z) -> (y', z', logits, q_halt, q_continue); drive the"
                        + " recursion from y_init/z_init in the metadata for up to N_sup steps.")
                .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
                .setGraph(g);
        Map<String, String> md = metadata(config, values, provenance);
        if (!encoding.isFp32()) {
            md.put(StepContract.ENCODING, encoding.describe());
        }
        if (encoding.rowInvariant()) {
            md.put(StepContract.BATCH_INVARIANT, StepContract.INVARIANT_ROWS);
        }
        for (Map.Entry<String, String> e : md.entrySet()) {
            m.addMetadataProps(OnnxMl.StringStringEntryProto.newBuilder().setKey(e.getKey()).setValue(e.getValue()));
        }
        return m.build();
    }

    /** The metadata of the file contract, in a fixed order. */
    static Map<String, String> metadata(TrmConfig c, Map<String, float[]> values, Map<String, String> provenance) {
        Map<String, String> md = new LinkedHashMap<>();
        md.put(StepContract.FORMAT, Integer.toString(StepContract.FORMAT_VERSION));
        md.put(StepContract.PRODUCER, PRODUCER + " " + PRODUCER_VERSION);
        md.put(StepContract.TASK, c.task());
        md.put(StepContract.VARIANT, c.variant().name().toLowerCase());
        if (c.architecture() != Architecture.TRM) {
            md.put(StepContract.ARCHITECTURE, c.architecture().id());
        }
        if (c.haltOnContinue()) {
            md.put(StepContract.HALT_RULE, StepContract.HALT_ON_CONTINUE);
        }
        md.put(StepContract.H_CYCLES, Integer.toString(c.hCycles()));
        md.put(StepContract.L_CYCLES, Integer.toString(c.lCycles()));
        md.put(StepContract.HALT_MAX_STEPS, Integer.toString(c.haltMaxSteps()));
        md.put(StepContract.HIDDEN, Integer.toString(c.hiddenSize()));
        md.put(StepContract.WORKING_LENGTH, Integer.toString(c.workingLength()));
        md.put(StepContract.SEQ_LEN, Integer.toString(c.seqLen()));
        md.put(StepContract.VOCAB, Integer.toString(c.vocabSize()));
        md.put(StepContract.PUZZLE_EMB_LEN, Integer.toString(c.puzzleEmbLen()));
        md.put(StepContract.NUM_PUZZLE_IDS, Integer.toString(c.numPuzzleIds()));
        md.put(StepContract.CODEC, TaskKind.of(c.task()).codec().layout());
        md.put(StepContract.Y_INIT, base64(values.get(TrmParameters.H_INIT)));
        md.put(StepContract.Z_INIT, base64(values.get(TrmParameters.L_INIT)));
        new TreeMap<>(provenance).forEach(md::put);
        return md;
    }

    static String base64(float[] v) {
        ByteBuffer b = ByteBuffer.allocate(v.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(v);
        return Base64.getEncoder().encodeToString(b.array());
    }

    static OnnxMl.ValueInfoProto value(String name, OnnxMl.TensorProto.DataType type, long... dims) {
        OnnxMl.TensorShapeProto.Builder shape = OnnxMl.TensorShapeProto.newBuilder()
                .addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimParam(StepContract.BATCH_DIM));
        for (long d : dims) {
            shape.addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        return OnnxMl.ValueInfoProto.newBuilder().setName(name).setType(OnnxMl.TypeProto.newBuilder()
                .setTensorType(OnnxMl.TypeProto.Tensor.newBuilder().setElemType(type.getNumber()).setShape(shape))).build();
    }
}
