package dev.trm.export;

import ai.onnx.proto.OnnxMl;
import com.google.protobuf.ByteString;
import dev.trm.model.TensorOps;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * {@link TensorOps} that records an ONNX graph instead of computing: each operation appends a node
 * and returns the name of its output. Running the trainer's step code against it yields the graph
 * of exactly that step. Parameters become float32 initializers under their state-dict names;
 * nodes are named by scope ({@code h2.z3.block0.mlp.gate_up_proj}).
 */
public final class OnnxRecorder implements TensorOps<String> {
    private final Map<String, float[]> values;
    private final Map<String, long[]> shapes;
    private final List<OnnxMl.NodeProto> nodes = new ArrayList<>();
    private final Map<String, OnnxMl.TensorProto> initializers = new LinkedHashMap<>();
    private final Map<String, String> transposed = new HashMap<>();
    /** Slices of initializers (weight halves), recorded once per step rather than once per network call. */
    private final Map<String, String> constantSlices = new HashMap<>();
    private final List<String> scopes = new ArrayList<>();
    private final Map<String, Integer> counters = new HashMap<>();

    /** How the recorder stores weights: fp32 as trained, or the block matmuls in int8, and fp16 storage. */
    private final WeightEncoding encoding;
    /** Block weights (and slices of them) held back in quantized mode until an op needs them in float. */
    private final Map<String, Constant> pending = new LinkedHashMap<>();
    /** Weights stored in fp16 whose float value is a Cast node's output. */
    private final Set<String> castWeights = new HashSet<>();

    /** Rows whose largest magnitude is below this (all zeros) are divided by it instead, not by zero. */
    private static final float ROW_MAGNITUDE_FLOOR = 1e-12f;

    /** Activations already quantized by row for an integer product, by name: the gate and up halves share them. */
    private final Map<String, String[]> rowQuantized = new HashMap<>();

    /** Activations already quantized with one scale per tensor, by name: the gate and up halves share them. */
    private final Map<String, String[]> tensorQuantized = new HashMap<>();

    /** h^T of the mixer's inputs, by name: its gate and up halves share one transpose. */
    private final Map<String, String> sequenceMajor = new HashMap<>();

    /** A constant's values and shape. */
    private record Constant(float[] data, long[] shape) {
    }

    /**
     * @param values tensor values by state-dict name
     * @param shapes their shapes
     */
    public OnnxRecorder(Map<String, float[]> values, Map<String, long[]> shapes) {
        this(values, shapes, WeightEncoding.FP32);
    }

    public OnnxRecorder(Map<String, float[]> values, Map<String, long[]> shapes, WeightEncoding encoding) {
        this.values = values;
        this.shapes = shapes;
        this.encoding = encoding;
    }

    public List<OnnxMl.NodeProto> nodes() {
        return nodes;
    }

    public List<OnnxMl.TensorProto> initializers() {
        return new ArrayList<>(initializers.values());
    }

    /**
     * Adds a node under the current scope; returns its (single) output name. Nodes carry no name of
     * their own (optional in ONNX): the scoped output name already says where a value comes from, and
     * a second copy of every name is about 5% of an int8 file.
     */
    String node(String opType, String label, List<OnnxMl.AttributeProto> attributes, String... inputs) {
        for (String in : inputs) {
            materialize(in);
        }
        String base = scopePrefix() + (label != null ? label : opType);
        int k = counters.merge(base, 1, Integer::sum);
        String name = k == 1 ? base : base + "_" + k;
        OnnxMl.NodeProto.Builder b = OnnxMl.NodeProto.newBuilder().setOpType(opType).addOutput(name);
        for (String in : inputs) {
            b.addInput(in);
        }
        b.addAllAttribute(attributes);
        nodes.add(b.build());
        return name;
    }

    private String node(String opType, String... inputs) {
        return node(opType, null, List.of(), inputs);
    }

    /** Renames a value to a graph output name with an Identity node. */
    public String output(String value, String name) {
        nodes.add(OnnxMl.NodeProto.newBuilder().setOpType("Identity").addInput(value).addOutput(name).build());
        return name;
    }

    private String scopePrefix() {
        if (scopes.isEmpty()) {
            return "";
        }
        return String.join(".", scopes) + ".";
    }

    static OnnxMl.AttributeProto intAttr(String name, long v) {
        return OnnxMl.AttributeProto.newBuilder().setName(name).setType(OnnxMl.AttributeProto.AttributeType.INT).setI(v).build();
    }

    static OnnxMl.AttributeProto intsAttr(String name, long... v) {
        OnnxMl.AttributeProto.Builder b = OnnxMl.AttributeProto.newBuilder().setName(name)
                .setType(OnnxMl.AttributeProto.AttributeType.INTS);
        for (long x : v) {
            b.addInts(x);
        }
        return b.build();
    }

    static OnnxMl.TensorProto floatTensor(String name, float[] data, long... shape) {
        ByteBuffer buf = ByteBuffer.allocate(data.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        buf.asFloatBuffer().put(data);
        OnnxMl.TensorProto.Builder b = OnnxMl.TensorProto.newBuilder().setName(name)
                .setDataType(OnnxMl.TensorProto.DataType.FLOAT.getNumber()).setRawData(ByteString.copyFrom(buf.array()));
        for (long d : shape) {
            b.addDims(d);
        }
        return b.build();
    }

    private String longConstant(String name, long... data) {
        if (!initializers.containsKey(name)) {
            ByteBuffer buf = ByteBuffer.allocate(data.length * Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
            buf.asLongBuffer().put(data);
            initializers.put(name, OnnxMl.TensorProto.newBuilder().setName(name)
                    .setDataType(OnnxMl.TensorProto.DataType.INT64.getNumber()).addDims(data.length)
                    .setRawData(ByteString.copyFrom(buf.array())).build());
        }
        return name;
    }

    private String scalar(float v) {
        String name = "const.scalar." + Float.toString(v).replace('-', 'm');
        if (!initializers.containsKey(name)) {
            initializers.put(name, floatTensor(name, new float[] {v}));
        }
        return name;
    }

    private static String join(long... v) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < v.length; i++) {
            sb.append(i == 0 ? "" : "_").append(Long.toString(v[i]).replace('-', 'm'));
        }
        return sb.toString();
    }

    @Override
    public String param(String name) {
        if (!initializers.containsKey(name) && !pending.containsKey(name) && !castWeights.contains(name)) {
            float[] v = values.get(name);
            if (v == null) {
                throw new IllegalArgumentException("no tensor named '" + name + "'");
            }
            if (encoding.int8() && WeightEncoding.isBlockWeight(name)) {
                pending.put(name, new Constant(v, shapes.get(name))); // quantized where a matmul uses it
            } else {
                addWeight(name, v, shapes.get(name));
            }
        }
        return name;
    }

    /** A float weight as an initializer, stored in fp16 behind a Cast when the encoding asks for it. */
    private void addWeight(String name, float[] v, long[] shape) {
        if (encoding.fp16() && v.length > 1) {
            String half = name + ".fp16";
            initializers.put(half, WeightEncoding.halfTensor(half, v, shape));
            nodes.add(OnnxMl.NodeProto.newBuilder().setOpType("Cast").addInput(half).addOutput(name)
                    .addAttribute(intAttr("to", OnnxMl.TensorProto.DataType.FLOAT.getNumber())).build());
            castWeights.add(name);
        } else {
            initializers.put(name, floatTensor(name, v, shape));
        }
    }

    /** Adds a held-back weight as a float initializer, when an op other than a quantized matmul reads it. */
    private void materialize(String name) {
        Constant c = pending.remove(name);
        if (c != null) {
            addWeight(name, c.data(), c.shape());
        }
    }

    @Override
    public String constant(String name, float[] data, long... shape) {
        String n = "const." + name;
        if (!initializers.containsKey(n)) {
            initializers.put(n, floatTensor(n, data, shape));
        }
        return n;
    }

    @Override
    public String embedding(String table, String ids) {
        return node("Gather", "gather", List.of(intAttr("axis", 0)), table, ids);
    }

    @Override
    public String linear(String x, String weight) {
        Constant w = pending.get(weight);
        if (w != null) {
            return quantizedLinear(x, weight, w);
        }
        String wt = transposed.get(weight);
        if (wt == null) {
            wt = weight + ".T";
            nodes.add(OnnxMl.NodeProto.newBuilder().setOpType("Transpose").addInput(weight).addOutput(wt)
                    .addAttribute(intsAttr("perm", 1, 0)).build());
            transposed.put(weight, wt);
        }
        String label = weight.replaceFirst("^L_level\\.layers\\.\\d+\\.", "").replaceFirst("\\.weight$", "");
        return node("MatMul", label, List.of(), x, wt);
    }

    @Override
    public String matMul(String a, String b) {
        Constant w = pending.get(a);
        if (w != null && w.shape().length == 2) {
            return quantizedLeftMatMul(w, a, b);
        }
        return node("MatMul", a, b);
    }

    /**
     * x W^T with W int8 per output channel: DynamicQuantizeLinear(x) -> MatMulInteger -> Cast, times
     * x's scale and W's per-channel scales.
     */
    private String quantizedLinear(String x, String name, Constant w) {
        int out = (int) w.shape()[0];
        int in = (int) w.shape()[1];
        WeightEncoding.Int8 q = encoding.quantizeRows(w.data(), out, in);
        String label = name.replaceFirst("^L_level\\.layers\\.\\d+\\.", "").replaceFirst("\\.weight$", "");
        String wq = name + ".int8.T";
        if (!initializers.containsKey(wq)) {
            initializers.put(wq, WeightEncoding.int8Tensor(wq, WeightEncoding.transpose(q.values(), out, in), in, out));
            initializers.put(name + ".scale", floatTensor(name + ".scale", q.scales(), out));
        }
        return encoding.activations().perRow(name) ? integerProduct(x, wq, name + ".scale", label)
                : tensorScaledProduct(x, wq, name + ".scale", label);
    }

    /**
     * x times an int8 weight wq, in float, x quantized with one scale for the whole tensor:
     * DynamicQuantizeLinear -> MatMulInteger -> Cast, times x's and the weight's scales. ONNX Runtime
     * fuses the four into one kernel. For inputs whose rows are alike in magnitude (normalized states).
     */
    private String tensorScaledProduct(String x, String wq, String weightScale, String label) {
        String[] xq = tensorQuantized.computeIfAbsent(x, k -> dynamicQuantize(k, label));
        String product = node("MatMulInteger", label + ".int", List.of(), xq[0], wq, xq[2]);
        String scale = node("Mul", label + ".scale", List.of(), xq[1], weightScale);
        return node("Mul", label, List.of(), node("Cast", label + ".float", List.of(castToFloat()), product), scale);
    }

    /**
     * x times an int8 weight wq, in float. Each row of x (one token's features, or one channel's
     * sequence in the mixer) is first divided by its largest magnitude, so the uint8 grid that
     * DynamicQuantizeLinear lays over the whole tensor serves every row alike: a row of small values
     * keeps its resolution next to a row of large ones. The integer product is scaled back by the
     * tensor's and the weight's scales and by the row's magnitude. One scale for the whole tensor
     * instead changed a quarter of the default model's answers (README, int8).
     */
    private String integerProduct(String x, String wq, String weightScale, String label) {
        materialize(x);
        String[] xq = rowQuantized.computeIfAbsent(x, k -> quantizeUnitRows(k, label));
        String product = node("MatMulInteger", label + ".int", List.of(), xq[0], wq, xq[2]);
        String scale = node("Mul", label + ".scale", List.of(), xq[1], weightScale);
        String unitRows = node("Mul", label + ".unit", List.of(), node("Cast", label + ".float", List.of(castToFloat()), product), scale);
        return node("Mul", label, List.of(), unitRows, xq[3]);
    }

    /**
     * x's rows divided by their largest magnitude, then DynamicQuantizeLinear: uint8 values, scale,
     * zero point, and the rows' magnitudes.
     */
    private String[] quantizeUnitRows(String x, String label) {
        String magnitude = node("Max", label + ".row_max", List.of(), node("ReduceMax", label + ".row_abs_max",
                List.of(intsAttr("axes", -1), intAttr("keepdims", 1)), node("Abs", label + ".abs", List.of(), x)),
                scalar(ROW_MAGNITUDE_FLOOR));
        String[] xq = dynamicQuantize(node("Div", label + ".unit_rows", List.of(), x, magnitude), label);
        return new String[] {xq[0], xq[1], xq[2], magnitude};
    }

    /**
     * W h along the sequence axis, W [I, L] int8 per row: as (h^T W^T)^T, so the activations are the
     * uint8 left operand and the weights the int8 right one, the pair ONNX Runtime's integer kernels
     * (and their fusion with the float rescale) take. ONNX Runtime's transpose optimizer cancels the
     * transposes between consecutive calls.
     */
    private String quantizedLeftMatMul(Constant w, String name, String h) {
        int rows = (int) w.shape()[0];
        int cols = (int) w.shape()[1];
        WeightEncoding.Int8 q = encoding.quantizeRows(w.data(), rows, cols);
        String wq = name + ".int8.T";
        if (!initializers.containsKey(wq)) {
            initializers.put(wq, WeightEncoding.int8Tensor(wq, WeightEncoding.transpose(q.values(), rows, cols), cols, rows));
            initializers.put(name + ".scale", floatTensor(name + ".scale", q.scales(), rows));
        }
        String label = "mix";
        String hT = sequenceMajor.computeIfAbsent(h, k -> node("Transpose", label + ".in", List.of(intsAttr("perm", 0, 2, 1)), k));
        String out = encoding.activations().perRow(name) ? integerProduct(hT, wq, name + ".scale", label)
                : tensorScaledProduct(hT, wq, name + ".scale", label);
        return node("Transpose", label + ".out", List.of(intsAttr("perm", 0, 2, 1)), out);
    }

    /** DynamicQuantizeLinear's three outputs: uint8 values, scale, zero point. */
    private String[] dynamicQuantize(String x, String label) {
        materialize(x);
        String base = scopePrefix() + label + ".q";
        int k = counters.merge(base, 1, Integer::sum);
        String name = k == 1 ? base : base + "_" + k;
        String[] outs = {name, name + ".scale", name + ".zero_point"};
        nodes.add(OnnxMl.NodeProto.newBuilder().setOpType("DynamicQuantizeLinear").addInput(x)
                .addOutput(outs[0]).addOutput(outs[1]).addOutput(outs[2]).build());
        return outs;
    }

    private static OnnxMl.AttributeProto castToFloat() {
        return intAttr("to", OnnxMl.TensorProto.DataType.FLOAT.getNumber());
    }

    @Override
    public String add(String a, String b) {
        return node("Add", a, b);
    }

    @Override
    public String mul(String a, String b) {
        return node("Mul", a, b);
    }

    @Override
    public String div(String a, String b) {
        return node("Div", a, b);
    }

    @Override
    public String scale(String x, float factor) {
        return node("Mul", x, scalar(factor));
    }

    @Override
    public String addScalar(String x, float value) {
        return node("Add", x, scalar(value));
    }

    @Override
    public String neg(String x) {
        return node("Neg", x);
    }

    @Override
    public String sqrt(String x) {
        return node("Sqrt", x);
    }

    @Override
    public String sigmoid(String x) {
        return node("Sigmoid", x);
    }

    @Override
    public String mean(String x, int axis) {
        return node("ReduceMean", null, List.of(intsAttr("axes", axis), intAttr("keepdims", 1)), x);
    }

    @Override
    public String softmaxLastAxis(String x) {
        return node("Softmax", null, List.of(intAttr("axis", -1)), x);
    }

    @Override
    public String slice(String x, int axis, long start, long end) {
        String key = x + "[" + axis + ":" + start + ":" + end + "]";
        String cached = constantSlices.get(key);
        if (cached != null) {
            return cached;
        }
        Constant c = pending.get(x);
        if (c != null && axis == 0) {
            String name = x + ".rows" + start + "_" + end;
            long rowSize = c.data().length / c.shape()[0];
            long[] shape = c.shape().clone();
            shape[0] = end - start;
            pending.put(name, new Constant(Arrays.copyOfRange(c.data(), (int) (start * rowSize), (int) (end * rowSize)), shape));
            constantSlices.put(key, name);
            return name;
        }
        String out = node("Slice", x, longConstant("const.i64." + start, start), longConstant("const.i64." + end, end),
                longConstant("const.i64." + axis, axis));
        if (initializers.containsKey(x)) {
            constantSlices.put(key, out);
        }
        return out;
    }

    @Override
    public String concat(List<String> parts, int axis) {
        return node("Concat", null, List.of(intAttr("axis", axis)), parts.toArray(new String[0]));
    }

    @Override
    public String reshape(String x, long... shape) {
        return node("Reshape", x, longConstant("const.shape." + join(shape), shape));
    }

    @Override
    public String permute(String x, int... axes) {
        long[] perm = new long[axes.length];
        for (int i = 0; i < axes.length; i++) {
            perm[i] = axes[i];
        }
        return node("Transpose", null, List.of(intsAttr("perm", perm)), x);
    }

    @Override
    public <R> R withoutGradient(Supplier<R> block) {
        return block.get();
    }

    @Override
    public String detach(String x) {
        return x;
    }

    @Override
    public Scope scope(String name) {
        scopes.add(name);
        return () -> scopes.remove(scopes.size() - 1);
    }
}
