package dev.trm.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The safetensors format: 8 bytes little-endian header length N, N bytes of JSON
 * {@code {name: {"dtype", "shape", "data_offsets": [begin, end]}, "__metadata__": {...}}}, then the
 * raw little-endian data. Reads F32, BF16, F16, F64, I64 and I32 (floats convert to float32, ints
 * to int64); writes F32 and I64. Tensors are written in name order, so equal content gives equal bytes.
 */
public final class SafeTensors {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int HEADER_LENGTH_BYTES = 8;
    /** Refuse headers larger than this: a foreign or corrupt file. */
    private static final long MAX_HEADER = 100L * 1024 * 1024;
    private static final String METADATA = "__metadata__";

    /** One tensor on the host: float data or integer data, and its shape. */
    public record Tensor(String dtype, long[] shape, float[] floats, long[] longs) {
        public static Tensor of(float[] data, long... shape) {
            return new Tensor("F32", shape, data, null);
        }

        public static Tensor ofLongs(long[] data, long... shape) {
            return new Tensor("I64", shape, null, data);
        }

        public long size() {
            long n = 1;
            for (long d : shape) {
                n *= d;
            }
            return n;
        }

        public String shapeText() {
            return Arrays.toString(shape);
        }
    }

    /** A parsed file: tensors in file order, and the string metadata. */
    public record Contents(Map<String, Tensor> tensors, Map<String, String> metadata) {
    }

    private SafeTensors() {
    }

    public static byte[] write(Map<String, Tensor> tensors, Map<String, String> metadata) throws IOException {
        Map<String, Tensor> sorted = new TreeMap<>(tensors);
        ObjectNode header = JSON.createObjectNode();
        if (!metadata.isEmpty()) {
            ObjectNode meta = header.putObject(METADATA);
            new TreeMap<>(metadata).forEach(meta::put);
        }
        long offset = 0;
        for (Map.Entry<String, Tensor> e : sorted.entrySet()) {
            Tensor t = e.getValue();
            long bytes = t.size() * (t.floats() != null ? Float.BYTES : Long.BYTES);
            ObjectNode n = header.putObject(e.getKey());
            n.put("dtype", t.floats() != null ? "F32" : "I64");
            n.putArray("shape").addAll(Arrays.stream(t.shape()).mapToObj(JSON.getNodeFactory()::numberNode)
                    .collect(Collectors.toList()));
            n.putArray("data_offsets").add(offset).add(offset + bytes);
            offset += bytes;
        }
        byte[] json = JSON.writeValueAsBytes(header);
        int pad = (8 - json.length % 8) % 8; // align the data, as the reference writer does
        byte[] headerBytes = new byte[json.length + pad];
        System.arraycopy(json, 0, headerBytes, 0, json.length);
        Arrays.fill(headerBytes, json.length, headerBytes.length, (byte) ' ');
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuffer len = ByteBuffer.allocate(HEADER_LENGTH_BYTES).order(ByteOrder.LITTLE_ENDIAN).putLong(headerBytes.length);
        out.write(len.array());
        out.write(headerBytes);
        for (Tensor t : sorted.values()) {
            ByteBuffer b;
            if (t.floats() != null) {
                b = ByteBuffer.allocate(t.floats().length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
                b.asFloatBuffer().put(t.floats());
            } else {
                b = ByteBuffer.allocate(t.longs().length * Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
                b.asLongBuffer().put(t.longs());
            }
            out.write(b.array());
        }
        return out.toByteArray();
    }

    /**
     * Parses a whole file held in memory.
     *
     * @param source named in error messages
     * @throws IOException naming the source and the first problem (truncated, bad header, bad offsets)
     */
    public static Contents read(byte[] data, String source) throws IOException {
        if (data.length < HEADER_LENGTH_BYTES) {
            throw new IOException(source + ": not a safetensors file (only " + data.length + " bytes)");
        }
        long headerLength = ByteBuffer.wrap(data, 0, HEADER_LENGTH_BYTES).order(ByteOrder.LITTLE_ENDIAN).getLong();
        if (headerLength <= 0 || headerLength > MAX_HEADER || HEADER_LENGTH_BYTES + headerLength > data.length) {
            throw new IOException(source + ": not a safetensors file or truncated (header length " + headerLength
                    + ", file " + data.length + " bytes)");
        }
        JsonNode header;
        try {
            header = JSON.readTree(new String(data, HEADER_LENGTH_BYTES, (int) headerLength, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IOException(source + ": safetensors header is not JSON: " + e.getMessage(), e);
        }
        if (header == null || !header.isObject()) {
            throw new IOException(source + ": safetensors header is not a JSON object");
        }
        long base = HEADER_LENGTH_BYTES + headerLength;
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        Map<String, String> metadata = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> it = header.properties().iterator();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            if (METADATA.equals(e.getKey())) {
                e.getValue().properties().forEach(m -> metadata.put(m.getKey(), m.getValue().asText()));
                continue;
            }
            tensors.put(e.getKey(), tensor(data, base, e.getKey(), e.getValue(), source));
        }
        return new Contents(tensors, metadata);
    }

    private static Tensor tensor(byte[] data, long base, String name, JsonNode n, String source) throws IOException {
        String dtype = n.path("dtype").asText("");
        JsonNode shapeNode = n.path("shape");
        JsonNode offsets = n.path("data_offsets");
        if (!shapeNode.isArray() || !offsets.isArray() || offsets.size() != 2) {
            throw new IOException(source + ": tensor '" + name + "' has no valid shape or data_offsets");
        }
        long[] shape = new long[shapeNode.size()];
        long count = 1;
        for (int i = 0; i < shape.length; i++) {
            shape[i] = shapeNode.get(i).asLong();
            count *= shape[i];
        }
        int width = width(dtype);
        if (width == 0) {
            throw new IOException(source + ": tensor '" + name + "' has unsupported dtype '" + dtype + "'");
        }
        long begin = offsets.get(0).asLong();
        long end = offsets.get(1).asLong();
        if (end - begin != count * width || begin < 0 || base + end > data.length) {
            throw new IOException(source + ": tensor '" + name + "' data [" + begin + ", " + end + ") does not match "
                    + dtype + " " + Arrays.toString(shape) + " or runs past the end of the file (truncated?)");
        }
        ByteBuffer b = ByteBuffer.wrap(data, (int) (base + begin), (int) (end - begin)).order(ByteOrder.LITTLE_ENDIAN);
        return decode(dtype, shape, b, (int) count);
    }

    /** The values of a checked tensor: floats widen or narrow to float32, integers to int64. */
    public static Tensor decode(String dtype, long[] shape, ByteBuffer b, int n32) {
        switch (dtype) {
            case "F32": {
                float[] f = new float[n32];
                b.asFloatBuffer().get(f);
                return new Tensor("F32", shape, f, null);
            }
            case "F64": {
                float[] f = new float[n32];
                for (int i = 0; i < n32; i++) {
                    f[i] = (float) b.getDouble();
                }
                return new Tensor("F32", shape, f, null);
            }
            case "BF16": {
                float[] f = new float[n32];
                for (int i = 0; i < n32; i++) {
                    f[i] = Float.intBitsToFloat((b.getShort() & 0xFFFF) << 16);
                }
                return new Tensor("F32", shape, f, null);
            }
            case "F16": {
                float[] f = new float[n32];
                for (int i = 0; i < n32; i++) {
                    f[i] = halfToFloat(b.getShort());
                }
                return new Tensor("F32", shape, f, null);
            }
            case "I64": {
                long[] l = new long[n32];
                b.asLongBuffer().get(l);
                return new Tensor("I64", shape, null, l);
            }
            default: {
                long[] l = new long[n32];
                for (int i = 0; i < n32; i++) {
                    l[i] = b.getInt();
                }
                return new Tensor("I64", shape, null, l);
            }
        }
    }

    /** Bytes per element of a safetensors dtype. */
    public static int width(String dtype) {
        switch (dtype) {
            case "F32": case "I32": return 4;
            case "F64": case "I64": return 8;
            case "BF16": case "F16": return 2;
            default: return 0;
        }
    }

    private static float halfToFloat(short h) {
        int bits = h & 0xFFFF;
        int sign = (bits & 0x8000) << 16;
        int exp = (bits >> 10) & 0x1F;
        int mant = bits & 0x3FF;
        if (exp == 0) {
            return Float.intBitsToFloat(sign) + (sign != 0 ? -1 : 1) * mant * (float) Math.pow(2, -24);
        }
        if (exp == 0x1F) {
            return Float.intBitsToFloat(sign | 0x7F800000 | (mant << 13));
        }
        return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
    }
}
