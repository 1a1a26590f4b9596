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

    /** The integer products of the block matmuls, when the encoding is int8. */
    private final Int8Products int8;

    /** A constant's values and shape. */
    record Constant(float[] data, long[] shape) {
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
        this.int8 = new Int8Products(this, encoding);
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
        String name = uniqueName(label != null ? label : opType);
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

    String scopePrefix() {
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

    String scalar(float v) {
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

    /** Adds an initializer once (a later call with the same name keeps the first); returns whether it was new. */
    boolean addInitializer(OnnxMl.TensorProto t) {
        return initializers.putIfAbsent(t.getName(), t) == null;
    }

    /** The next free output name for {@code base} under the current scope (base, base_2, ...). */
    String uniqueName(String base) {
        String scoped = scopePrefix() + base;
        int k = counters.merge(scoped, 1, Integer::sum);
        return k == 1 ? scoped : scoped + "_" + k;
    }

    /** Appends a node built elsewhere (one with several outputs). */
    void addNode(OnnxMl.NodeProto n) {
        nodes.add(n);
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
    void materialize(String name) {
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
            return int8.linear(x, weight, w);
        }
        String wt = transposed.get(weight);
        if (wt == null) {
            wt = weight + ".T";
            nodes.add(OnnxMl.NodeProto.newBuilder().setOpType("Transpose").addInput(weight).addOutput(wt)
                    .addAttribute(intsAttr("perm", 1, 0)).build());
            transposed.put(weight, wt);
        }
        return node("MatMul", label(weight), List.of(), x, wt);
    }

    /** A weight's name without its layer prefix and suffix, for node names: {@code mlp.down_proj}. */
    static String label(String weight) {
        return weight.replaceFirst("^L_level\\.layers\\.\\d+\\.", "").replaceFirst("\\.weight$", "");
    }

    static OnnxMl.AttributeProto castToFloat() {
        return intAttr("to", OnnxMl.TensorProto.DataType.FLOAT.getNumber());
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
