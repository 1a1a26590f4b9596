package dev.trm.export;

import ai.onnx.proto.OnnxMl;
import com.google.protobuf.ByteString;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The int8 half of {@link OnnxRecorder}: the block matmuls recorded as integer products. Weights are
 * quantized per output channel ahead of time; activations at run time, either per row (each row on a
 * uint8 grid from its own smallest to its largest value, so a row's result is the same in any batch)
 * or by DynamicQuantizeLinear with one scale per tensor, as the encoding says.
 */
final class Int8Products {
    /** The uint8 grid of a row mapped onto [0, 1]: 255 steps, zero point 0. */
    private static final float UNIT_GRID_SCALE = 1f / 255;
    /** Rows whose values are all equal (range zero) are divided by this instead, not by zero. */
    private static final float ROW_RANGE_FLOOR = 1e-12f;

    /** An activation as DynamicQuantizeLinear leaves it: uint8 values, the tensor's scale and zero point. */
    private record Quantized(String values, String scale, String zeroPoint) {
    }

    /** An activation quantized row by row: uint8 values on each row's own grid, the rows' smallest values and ranges. */
    private record RowQuantized(String values, String rowMin, String range) {
    }

    private final OnnxRecorder graph;
    private final WeightEncoding encoding;
    /** Activations already quantized by row, by name: the gate and up halves share them. */
    private final Map<String, RowQuantized> rowQuantized = new HashMap<>();
    /** Activations already quantized with one scale per tensor, by name: the gate and up halves share them. */
    private final Map<String, Quantized> tensorQuantized = new HashMap<>();

    Int8Products(OnnxRecorder graph, WeightEncoding encoding) {
        this.graph = graph;
        this.encoding = encoding;
    }

    /** x W^T with W int8 per output channel, x quantized as the encoding says (per row, or per tensor). */
    String linear(String x, String name, OnnxRecorder.Constant w) {
        int out = (int) w.shape()[0];
        int in = (int) w.shape()[1];
        String wq = weight(name, w, out, in);
        return product(x, wq, name, OnnxRecorder.label(name));
    }

    /**
     * W [rows, cols] quantized per row, stored transposed as int8 (once) with what its product needs: per
     * output, its scale (one scale per activation tensor) or its scale over the grid and its column sum
     * (per-row grids). Returns the int8 name.
     */
    private String weight(String name, OnnxRecorder.Constant w, int rows, int cols) {
        WeightEncoding.Int8 q = encoding.quantizeRows(w.data(), rows, cols);
        String wq = name + ".int8.T";
        if (graph.addInitializer(WeightEncoding.int8Tensor(wq, WeightEncoding.transpose(q.values(), rows, cols), cols, rows))) {
            if (!encoding.activations().perRow(name)) {
                graph.addInitializer(OnnxRecorder.floatTensor(name + ".scale", q.scales(), rows));
                return wq;
            }
            float[] columnSums = new float[rows]; // each output's sum of its dequantized weights
            float[] gridScales = new float[rows];
            for (int r = 0; r < rows; r++) {
                long sum = 0;
                for (int c = 0; c < cols; c++) {
                    sum += q.values()[r * cols + c];
                }
                columnSums[r] = sum * q.scales()[r];
                gridScales[r] = q.scales()[r] * UNIT_GRID_SCALE;
            }
            graph.addInitializer(OnnxRecorder.floatTensor(name + ".sum", columnSums, rows));
            graph.addInitializer(OnnxRecorder.floatTensor(name + ".grid_scale", gridScales, rows));
        }
        return wq;
    }

    private String product(String x, String wq, String name, String label) {
        return encoding.activations().perRow(name) ? integerProduct(x, wq, name, label)
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
     * x times an int8 weight wq, in float. Each row of x (one token's features) is laid on its own uint8
     * grid from its smallest to its largest value, so a row of small values keeps its resolution next to
     * a row of large ones and no row's grid depends on its batch-mates: x = min + range q / 255, so
     * x W = min (sum of W's column) + range / 255 (q W). One scale for the whole tensor instead changed
     * a quarter of the default model's answers (docs/edge.md).
     */
    private String integerProduct(String x, String wq, String weight, String label) {
        graph.materialize(x);
        RowQuantized xq = rowQuantized.computeIfAbsent(x, k -> quantizeRows(k, label));
        String product = graph.node("MatMulInteger", label + ".int", List.of(), xq.values(), wq);
        String onGrid = graph.node("Mul", label + ".grid", List.of(),
                graph.node("Cast", label + ".float", List.of(OnnxRecorder.castToFloat()), product), weight + ".grid_scale");
        return graph.node("Add", label, List.of(), graph.node("Mul", label + ".scaled", List.of(), onGrid, xq.range()),
                graph.node("Mul", label + ".offset", List.of(), xq.rowMin(), weight + ".sum"));
    }

    /** MatMulInteger of the quantized x and wq, cast to float and times both scales. */
    private String rescaled(Quantized xq, String wq, String weightScale, String label, String output) {
        String product = graph.node("MatMulInteger", label + ".int", List.of(), xq.values(), wq, xq.zeroPoint());
        String scale = graph.node("Mul", label + ".scale", List.of(), xq.scale(), weightScale);
        return graph.node("Mul", output, List.of(), graph.node("Cast", label + ".float", List.of(OnnxRecorder.castToFloat()), product),
                scale);
    }

    /** Each row of x mapped onto [0, 1] by its smallest value and range, then QuantizeLinear on the fixed grid of [0, 1]. */
    private RowQuantized quantizeRows(String x, String label) {
        List<OnnxMl.AttributeProto> lastAxis = List.of(OnnxRecorder.intsAttr("axes", -1), OnnxRecorder.intAttr("keepdims", 1));
        String rowMin = graph.node("ReduceMin", label + ".row_min", lastAxis, x);
        String rowMax = graph.node("ReduceMax", label + ".row_max", lastAxis, x);
        String range = graph.node("Max", label + ".row_range", List.of(), graph.node("Sub", label + ".row_span", List.of(), rowMax, rowMin),
                graph.scalar(ROW_RANGE_FLOOR));
        String unit = graph.node("Div", label + ".unit_rows", List.of(), graph.node("Sub", label + ".from_min", List.of(), x, rowMin), range);
        String zeroPoint = "const.unit_grid_zero_point";
        graph.addInitializer(OnnxMl.TensorProto.newBuilder().setName(zeroPoint).setDataType(OnnxMl.TensorProto.DataType.UINT8.getNumber())
                .setRawData(ByteString.copyFrom(new byte[1])).build());
        String values = graph.node("QuantizeLinear", label + ".q", List.of(), unit, graph.scalar(UNIT_GRID_SCALE), zeroPoint);
        return new RowQuantized(values, rowMin, range);
    }

    /** DynamicQuantizeLinear's three outputs. */
    private Quantized dynamicQuantize(String x, String label) {
        graph.materialize(x);
        String name = graph.uniqueName(label + ".q");
        Quantized q = new Quantized(name, name + ".scale", name + ".zero_point");
        graph.addNode(OnnxMl.NodeProto.newBuilder().setOpType("DynamicQuantizeLinear").addInput(x)
                .addOutput(q.values()).addOutput(q.scale()).addOutput(q.zeroPoint()).build());
        return q;
    }
}
