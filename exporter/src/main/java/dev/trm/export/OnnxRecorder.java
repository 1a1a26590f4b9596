package dev.trm.export;

import ai.onnx.proto.OnnxMl;
import com.google.protobuf.ByteString;
import dev.trm.model.TensorOps;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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

    /**
     * @param values tensor values by state-dict name
     * @param shapes their shapes
     */
    public OnnxRecorder(Map<String, float[]> values, Map<String, long[]> shapes) {
        this.values = values;
        this.shapes = shapes;
    }

    public List<OnnxMl.NodeProto> nodes() {
        return nodes;
    }

    public List<OnnxMl.TensorProto> initializers() {
        return new ArrayList<>(initializers.values());
    }

    /** Adds a node under the current scope; returns its (single) output name. */
    String node(String opType, String label, List<OnnxMl.AttributeProto> attributes, String... inputs) {
        String base = scopePrefix() + (label != null ? label : opType);
        int k = counters.merge(base, 1, Integer::sum);
        String name = k == 1 ? base : base + "_" + k;
        OnnxMl.NodeProto.Builder b = OnnxMl.NodeProto.newBuilder().setOpType(opType).setName(name).addOutput(name);
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
        nodes.add(OnnxMl.NodeProto.newBuilder().setOpType("Identity").setName(name).addInput(value).addOutput(name).build());
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
        if (!initializers.containsKey(name)) {
            float[] v = values.get(name);
            if (v == null) {
                throw new IllegalArgumentException("no tensor named '" + name + "'");
            }
            initializers.put(name, floatTensor(name, v, shapes.get(name)));
        }
        return name;
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
        String wt = transposed.get(weight);
        if (wt == null) {
            wt = weight + ".T";
            nodes.add(OnnxMl.NodeProto.newBuilder().setOpType("Transpose").setName(wt).addInput(weight).addOutput(wt)
                    .addAttribute(intsAttr("perm", 1, 0)).build());
            transposed.put(weight, wt);
        }
        String label = weight.replaceFirst("^L_level\\.layers\\.\\d+\\.", "").replaceFirst("\\.weight$", "");
        return node("MatMul", label, List.of(), x, wt);
    }

    @Override
    public String matMul(String a, String b) {
        return node("MatMul", a, b);
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
