package dev.trm.export;

import ai.onnx.proto.OnnxMl;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The int8 half of {@link OnnxRecorder}: the block matmuls recorded as integer products. Weights are
 * quantized per output channel ahead of time; activations are quantized at run time by
 * DynamicQuantizeLinear, either per row (each row divided by its largest magnitude first, so an
 * answer never depends on its batch-mates) or with one scale per tensor, as the encoding says.
 */
final class Int8Products {
    /** Rows whose largest magnitude is below this (all zeros) are divided by it instead, not by zero. */
    private static final float ROW_MAGNITUDE_FLOOR = 1e-12f;
    /** Node label of the mixer's products along the sequence axis. */
    private static final String MIXER = "mix";

    /** An activation as DynamicQuantizeLinear leaves it: uint8 values, scale, zero point; and, per row, the rows' magnitudes. */
    private record Quantized(String values, String scale, String zeroPoint, String magnitude) {
    }

    private final OnnxRecorder graph;
    private final WeightEncoding encoding;
    /** Activations already quantized by row, by name: the gate and up halves share them. */
    private final Map<String, Quantized> rowQuantized = new HashMap<>();
    /** Activations already quantized with one scale per tensor, by name: the gate and up halves share them. */
    private final Map<String, Quantized> tensorQuantized = new HashMap<>();
    /** h^T of the mixer's inputs, by name: its gate and up halves share one transpose. */
    private final Map<String, String> sequenceMajor = new HashMap<>();

    Int8Products(OnnxRecorder graph, WeightEncoding encoding) {
        this.graph = graph;
        this.encoding = encoding;
    }

    /**
     * x W^T with W int8 per output channel: DynamicQuantizeLinear(x) -> MatMulInteger -> Cast, times
     * x's scale and W's per-channel scales.
     */
    String linear(String x, String name, OnnxRecorder.Constant w) {
        int out = (int) w.shape()[0];
        int in = (int) w.shape()[1];
        String wq = weight(name, w, out, in);
        return product(x, wq, name, OnnxRecorder.label(name));
    }

    /**
     * W h along the sequence axis, W [I, L] int8 per row: as (h^T W^T)^T, so the activations are the
     * uint8 left operand and the weights the int8 right one, the pair ONNX Runtime's integer kernels
     * (and their fusion with the float rescale) take. ONNX Runtime's transpose optimizer cancels the
     * transposes between consecutive calls.
     */
    String leftMatMul(OnnxRecorder.Constant w, String name, String h) {
        int rows = (int) w.shape()[0];
        int cols = (int) w.shape()[1];
        String wq = weight(name, w, rows, cols);
        String hT = sequenceMajor.computeIfAbsent(h, k -> graph.node("Transpose", MIXER + ".in",
                List.of(OnnxRecorder.intsAttr("perm", 0, 2, 1)), k));
        String out = product(hT, wq, name, MIXER);
        return graph.node("Transpose", MIXER + ".out", List.of(OnnxRecorder.intsAttr("perm", 0, 2, 1)), out);
    }

    /** W [rows, cols] quantized per row, stored transposed as int8 with its scales (once); returns the int8 name. */
    private String weight(String name, OnnxRecorder.Constant w, int rows, int cols) {
        WeightEncoding.Int8 q = encoding.quantizeRows(w.data(), rows, cols);
        String wq = name + ".int8.T";
        if (graph.addInitializer(WeightEncoding.int8Tensor(wq, WeightEncoding.transpose(q.values(), rows, cols), cols, rows))) {
            graph.addInitializer(OnnxRecorder.floatTensor(name + ".scale", q.scales(), rows));
        }
        return wq;
    }

    private String product(String x, String wq, String name, String label) {
        return encoding.activations().perRow(name) ? integerProduct(x, wq, name + ".scale", label)
                : tensorScaledProduct(x, wq, name + ".scale", label);
    }

    /**
     * x times an int8 weight wq, in float, x quantized with one scale for the whole tensor:
     * DynamicQuantizeLinear -> MatMulInteger -> Cast, times x's and the weight's scales. ONNX Runtime
     * fuses the four into one kernel. For inputs whose rows are alike in magnitude (normalized states).
     */
    private String tensorScaledProduct(String x, String wq, String weightScale, String label) {
        Quantized xq = tensorQuantized.computeIfAbsent(x, k -> dynamicQuantize(k, label));
        return rescaled(xq, wq, weightScale, label, label);
    }

    /**
     * x times an int8 weight wq, in float. Each row of x (one token's features, or one channel's
     * sequence in the mixer) is first divided by its largest magnitude, so the uint8 grid that
     * DynamicQuantizeLinear lays over the whole tensor serves every row alike: a row of small values
     * keeps its resolution next to a row of large ones. The integer product is scaled back by the
     * tensor's and the weight's scales and by the row's magnitude. One scale for the whole tensor
     * instead changed a quarter of the default model's answers (docs/edge.md).
     */
    private String integerProduct(String x, String wq, String weightScale, String label) {
        graph.materialize(x);
        Quantized xq = rowQuantized.computeIfAbsent(x, k -> quantizeUnitRows(k, label));
        String unitRows = rescaled(xq, wq, weightScale, label, label + ".unit");
        return graph.node("Mul", label, List.of(), unitRows, xq.magnitude());
    }

    /** MatMulInteger of the quantized x and wq, cast to float and times both scales. */
    private String rescaled(Quantized xq, String wq, String weightScale, String label, String output) {
        String product = graph.node("MatMulInteger", label + ".int", List.of(), xq.values(), wq, xq.zeroPoint());
        String scale = graph.node("Mul", label + ".scale", List.of(), xq.scale(), weightScale);
        return graph.node("Mul", output, List.of(), graph.node("Cast", label + ".float", List.of(OnnxRecorder.castToFloat()), product),
                scale);
    }

    /** x's rows divided by their largest magnitude, then DynamicQuantizeLinear. */
    private Quantized quantizeUnitRows(String x, String label) {
        String magnitude = graph.node("Max", label + ".row_max", List.of(), graph.node("ReduceMax", label + ".row_abs_max",
                List.of(OnnxRecorder.intsAttr("axes", -1), OnnxRecorder.intAttr("keepdims", 1)),
                graph.node("Abs", label + ".abs", List.of(), x)), graph.scalar(ROW_MAGNITUDE_FLOOR));
        Quantized q = dynamicQuantize(graph.node("Div", label + ".unit_rows", List.of(), x, magnitude), label);
        return new Quantized(q.values(), q.scale(), q.zeroPoint(), magnitude);
    }

    /** DynamicQuantizeLinear's three outputs. */
    private Quantized dynamicQuantize(String x, String label) {
        graph.materialize(x);
        String name = graph.uniqueName(label + ".q");
        Quantized q = new Quantized(name, name + ".scale", name + ".zero_point", null);
        graph.addNode(OnnxMl.NodeProto.newBuilder().setOpType("DynamicQuantizeLinear").addInput(x)
                .addOutput(q.values()).addOutput(q.scale()).addOutput(q.zeroPoint()).build());
        return q;
    }
}
