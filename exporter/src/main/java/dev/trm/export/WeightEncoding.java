package dev.trm.export;

import ai.onnx.proto.OnnxMl;
import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * How an exported step stores and multiplies its weights.
 *
 * <ul>
 *   <li>{@link #FP32}: as trained.</li>
 *   <li>int8: the matmuls of the network's blocks (SwiGLU, attention projections, the mixer's
 *       token SwiGLU) use int8 weights with one symmetric scale per output channel and activations
 *       quantized at run time ({@code DynamicQuantizeLinear}, {@code MatMulInteger}, then the scales
 *       multiplied back) with one scale per row (the rows divided by their largest magnitude first),
 *       or per tensor where normalized states enter ({@link ActivationScales}). Norms, softmax, the
 *       embeddings, the lm head and the Q head stay in fp32.</li>
 *   <li>fp16: every other float weight is stored in half precision behind a {@code Cast} that ONNX
 *       Runtime folds when the model loads: half the file, fp32 arithmetic.</li>
 * </ul>
 *
 * @param int8        block matmuls in int8
 * @param fp16        float weights stored in fp16
 * @param activations how int8 products scale their activations
 * @param scaleFactor multiplies every int8 scale; 1 except to break a model on purpose (tests of the verification)
 */
public record WeightEncoding(boolean int8, boolean fp16, ActivationScales activations, float scaleFactor) {
    /**
     * Where an int8 product gives its activations a grid per row and where one per tensor. Per row
     * costs a few element-wise operations per quantized input; per tensor lets ONNX Runtime fuse the
     * quantization into the product.
     */
    public enum ActivationScales {
        /** A grid per row at every product: a row's result is the same in any batch. */
        ROWS,
        /**
         * Per row where the product of two activations enters a projection (the SwiGLU's down
         * projection, attention's output), whose rows differ by orders of magnitude; one scale per
         * tensor where sums of normalized states enter (the gate and up halves, qkv). Faster, but the
         * tensor's scale spans the whole batch: a puzzle's answer can change with its batch-mates.
         */
        MIXED;

        /** Whether the product with this block weight scales its input per row. */
        boolean perRow(String weight) {
            return this == ROWS || !(weight.contains("gate_up_proj") || weight.contains("qkv_proj"));
        }
    }

    public static final WeightEncoding FP32 = new WeightEncoding(false, false, ActivationScales.ROWS, 1f);
    /**
     * The largest magnitude of a weight's int8 value: 7 bits, not 8. On x86 CPUs without VNNI (AVX2),
     * ONNX Runtime multiplies uint8 activations by int8 weights with an instruction that adds pairs of
     * products in 16 bits and saturates: 2 x 255 x 127 overflows, 2 x 255 x 63 does not. Measured on an
     * AVX2 host (AMD EPYC, 2026-12-06): a row of large activations came out 8% wrong with 127; with 63 every
     * row stays within the 3% of Int8RowScalingTest (the row of tiny ones at 2.0%).
     */
    static final int INT8_MAX = 63;
    private static final String BLOCK_PREFIX = "L_level.layers.";
    /**
     * The MLP-mixer's token products stay fp32 in an int8 file. Measured on the default model
     * (2026-12-06, AVX2 host): with them in int8 the file answered 98.95% of fp32's solved puzzles the
     * same (below the export's 99% bound, with activations on per-row grids) and its batch-1 step took
     * 19.2 ms against fp32's 15.2; with them fp32, 99.37% and 15.8 ms (1.71 MB against 0.89).
     */
    private static final String MIXER = ".mlp_t.";

    public WeightEncoding {
        if (activations == null) {
            throw new IllegalArgumentException("activation scales must be set");
        }
        if (!(scaleFactor > 0)) {
            throw new IllegalArgumentException("scale factor must be positive, got " + scaleFactor);
        }
    }

    /**
     * int8 as {@code trm export --quantize int8} writes it: activation scales per row, so that a
     * puzzle's answer never depends on the other puzzles of its batch (README, int8).
     */
    public static final WeightEncoding INT8 = new WeightEncoding(true, false, ActivationScales.ROWS, 1f);

    public WeightEncoding withActivations(ActivationScales a) {
        return new WeightEncoding(int8, fp16, a, scaleFactor);
    }

    /** A deliberately wrong quantization (every scale times {@code factor}), to prove that verification catches it. */
    public WeightEncoding broken(float factor) {
        return new WeightEncoding(int8, fp16, activations, factor);
    }

    /** By its command-line names: {@code fp32}, {@code int8}, optionally with {@code +fp16} weights storage. */
    public static WeightEncoding of(String quantize, String weights) {
        boolean q;
        switch (quantize) {
            case "none": case "fp32": q = false; break;
            case "int8": q = true; break;
            default: throw new IllegalArgumentException("--quantize: expected none or int8, got '" + quantize + "'");
        }
        boolean half;
        switch (weights) {
            case "fp32": half = false; break;
            case "fp16": half = true; break;
            default: throw new IllegalArgumentException("--weights: expected fp32 or fp16, got '" + weights + "'");
        }
        return new WeightEncoding(q, half, INT8.activations(), 1f);
    }

    /**
     * Whether a row's outputs are the same bits alone as in any batch on ONNX Runtime's CPU provider:
     * every product has the batch in its rows and every int8 activation its own scale (not MIXED).
     */
    public boolean rowInvariant() {
        return !int8 || activations == ActivationScales.ROWS;
    }

    public boolean isFp32() {
        return !int8 && !fp16;
    }

    public String describe() {
        return isFp32() ? "fp32" : (int8 ? "int8 block matmuls (" + activations.name().toLowerCase() + " activation scales)"
                : "fp32 matmuls") + (fp16 ? ", fp16 weights" : "");
    }

    /** Whether a tensor is a matmul weight of the network's blocks that int8 mode quantizes (all but the mixer's). */
    static boolean isBlockWeight(String name) {
        return name.startsWith(BLOCK_PREFIX) && name.endsWith(".weight") && !name.contains(MIXER);
    }

    /** int8 values and one scale per row of a [rows, cols] matrix. */
    record Int8(byte[] values, float[] scales) {
    }

    /** Symmetric per-row quantization: scale = max |row| / INT8_MAX, value = round(w / scale). */
    Int8 quantizeRows(float[] w, int rows, int cols) {
        byte[] q = new byte[rows * cols];
        float[] scales = new float[rows];
        for (int r = 0; r < rows; r++) {
            float max = 0;
            for (int c = 0; c < cols; c++) {
                max = Math.max(max, Math.abs(w[r * cols + c]));
            }
            float scale = max > 0 ? max / INT8_MAX : 1f;
            for (int c = 0; c < cols; c++) {
                q[r * cols + c] = (byte) Math.max(-INT8_MAX, Math.min(INT8_MAX, Math.round(w[r * cols + c] / scale)));
            }
            scales[r] = scale * scaleFactor;
        }
        return new Int8(q, scales);
    }

    static byte[] transpose(byte[] m, int rows, int cols) {
        byte[] t = new byte[m.length];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                t[c * rows + r] = m[r * cols + c];
            }
        }
        return t;
    }

    static OnnxMl.TensorProto int8Tensor(String name, byte[] data, long... shape) {
        OnnxMl.TensorProto.Builder b = OnnxMl.TensorProto.newBuilder().setName(name)
                .setDataType(OnnxMl.TensorProto.DataType.INT8.getNumber()).setRawData(ByteString.copyFrom(data));
        for (long d : shape) {
            b.addDims(d);
        }
        return b.build();
    }

    /** IEEE 754 half precision of a float, rounded to nearest even (Java 17 has no Float.floatToFloat16). */
    static short toHalf(float f) {
        int bits = Float.floatToRawIntBits(f);
        int sign = (bits >>> 16) & 0x8000;
        int exp = (bits >>> 23) & 0xff;
        int mant = bits & 0x7fffff;
        if (exp == 0xff) {
            return (short) (sign | 0x7c00 | (mant != 0 ? 0x200 : 0)); // infinity or NaN
        }
        int e = exp - 127 + 15;
        if (e >= 0x1f) {
            return (short) (sign | 0x7c00); // too large: infinity
        }
        int half;
        int rem;
        int mid;
        if (e <= 0) { // a subnormal half (or zero)
            if (e < -10) {
                return (short) sign;
            }
            int m = mant | 0x800000;
            int shift = 14 - e;
            half = m >> shift;
            rem = m & ((1 << shift) - 1);
            mid = 1 << (shift - 1);
        } else {
            half = (e << 10) | (mant >> 13);
            rem = mant & 0x1fff;
            mid = 0x1000;
        }
        if (rem > mid || (rem == mid && (half & 1) == 1)) {
            half++; // a carry into the exponent is still the right value
        }
        return (short) (sign | half);
    }

    static OnnxMl.TensorProto halfTensor(String name, float[] data, long... shape) {
        ByteBuffer buf = ByteBuffer.allocate(data.length * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : data) {
            buf.putShort(toHalf(v));
        }
        OnnxMl.TensorProto.Builder b = OnnxMl.TensorProto.newBuilder().setName(name)
                .setDataType(OnnxMl.TensorProto.DataType.FLOAT16.getNumber()).setRawData(ByteString.copyFrom(buf.array()));
        for (long d : shape) {
            b.addDims(d);
        }
        return b.build();
    }
}
