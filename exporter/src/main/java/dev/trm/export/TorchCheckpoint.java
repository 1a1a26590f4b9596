package dev.trm.export;

import dev.trm.data.AtomicFile;
import dev.trm.io.SafeTensors;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import net.razorvine.pickle.IObjectConstructor;
import net.razorvine.pickle.IObjectDeconstructor;
import net.razorvine.pickle.Opcodes;
import net.razorvine.pickle.PickleException;
import net.razorvine.pickle.Pickler;
import net.razorvine.pickle.Unpickler;

/**
 * A state dict saved by {@code torch.save} (PyTorch 1.6 and later): a zip holding {@code PREFIX/data.pkl},
 * a pickle whose tensors point by key at the raw little-endian storages {@code PREFIX/data/KEY}. The
 * pickle is read by Pyrolite ({@code net.razorvine:pickle}); the few torch functions it names are
 * stood in for here: {@code _rebuild_tensor_v2} and {@code _rebuild_parameter} give a
 * {@link SafeTensors.Tensor}, the storage classes say the element type. Float storages (fp32, fp64,
 * bf16, fp16) read as float32, integer ones (int64, int32) as int64.
 */
public final class TorchCheckpoint {
    private static final String PICKLE = "data.pkl";
    private static final String BYTE_ORDER = "byteorder";

    /** The storage classes torch names in a checkpoint, as safetensors dtypes. */
    private static final Map<String, String> STORAGE_DTYPES = Map.of(
            "FloatStorage", "F32", "DoubleStorage", "F64", "BFloat16Storage", "BF16", "HalfStorage", "F16",
            "LongStorage", "I64", "IntStorage", "I32");

    static {
        for (Map.Entry<String, String> e : STORAGE_DTYPES.entrySet()) {
            Unpickler.registerConstructor("torch", e.getKey(), new StorageType(e.getValue()));
        }
        Unpickler.registerConstructor("torch._utils", "_rebuild_tensor_v2", TorchCheckpoint::rebuildTensor);
        Unpickler.registerConstructor("torch._utils", "_rebuild_parameter", args -> args[0]);
        Unpickler.registerConstructor("collections", "OrderedDict", args -> new StateDict());
    }

    private TorchCheckpoint() {
    }

    /** The format version torch.save records (PyTorch 1.6 and later read it). */
    private static final String FORMAT_VERSION = "3\n";
    private static final String STORAGE_LOCATION = "cpu";

    /** A float32 tensor to write, and the key of its storage in the zip. */
    private record Written(String key, long[] shape) {
    }

    /** A storage to write, pickled as a persistent id. */
    private record WrittenStorage(String key, long elements) {
    }

    /** The storage class a written storage names: pickled as a bare global, {@code torch.FloatStorage}. */
    private record FloatStorageClass() {
    }

    /** An object pickled as a call of a Python function: {@code module.name(*args(object))}. */
    private record PythonCall(String module, String name, java.util.function.Function<Object, Object[]> args)
            implements IObjectDeconstructor {
        @Override
        public String getModule() {
            return module;
        }

        @Override
        public String getName() {
            return name;
        }

        @Override
        public Object[] deconstruct(Object o) {
            return args.apply(o);
        }
    }

    /** Python's {@code collections.OrderedDict()}: the empty backward-hooks argument of a rebuilt tensor. */
    private record EmptyOrderedDict() {
    }

    static {
        Pickler.registerCustomDeconstructor(Written.class, new PythonCall("torch._utils", "_rebuild_tensor_v2", o -> {
            Written w = (Written) o;
            return new Object[] {new WrittenStorage(w.key(), elements(w.shape())), 0, boxed(w.shape()),
                boxed(rowMajorStrides(w.shape())), false, new EmptyOrderedDict()};
        }));
        Pickler.registerCustomDeconstructor(EmptyOrderedDict.class, new PythonCall("collections", "OrderedDict", o -> new Object[0]));
        Pickler.registerCustomPickler(FloatStorageClass.class, (o, out, pickler) -> {
            out.write(Opcodes.GLOBAL);
            out.write("torch\nFloatStorage\n".getBytes(StandardCharsets.US_ASCII));
        });
    }

    /**
     * Writes float32 tensors as {@code torch.save} writes a state dict: a zip named after the file holding
     * the pickle, one storage per tensor and the format version, so that {@code torch.load} reads it (no
     * torch classes beyond the storage type and {@code _rebuild_tensor_v2}, which {@code weights_only}
     * loading allows). Written to a temporary file and renamed.
     */
    public static void write(Path file, Map<String, SafeTensors.Tensor> tensors) throws IOException {
        String prefix = file.getFileName().toString().replaceFirst("\\.[^.]*$", "") + "/";
        Map<String, Object> dict = new LinkedHashMap<>();
        List<byte[]> storages = new ArrayList<>();
        for (Map.Entry<String, SafeTensors.Tensor> e : tensors.entrySet()) {
            float[] v = e.getValue().floats();
            if (v == null) {
                throw new IllegalArgumentException("tensor '" + e.getKey() + "' is not float; only float32 tensors are written");
            }
            ByteBuffer b = ByteBuffer.allocate(v.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
            b.asFloatBuffer().put(v);
            dict.put(e.getKey(), new Written(Integer.toString(storages.size()), e.getValue().shape()));
            storages.add(b.array());
        }
        StoragePickler pickler = new StoragePickler();
        byte[] pickle = pickler.dumps(dict);
        pickler.close();
        AtomicFile.write(file, out -> {
            ZipOutputStream zip = new ZipOutputStream(out);
            stored(zip, prefix + PICKLE, pickle);
            stored(zip, prefix + BYTE_ORDER, "little".getBytes(StandardCharsets.US_ASCII));
            for (int i = 0; i < storages.size(); i++) {
                stored(zip, prefix + "data/" + i, storages.get(i));
            }
            stored(zip, prefix + "version", FORMAT_VERSION.getBytes(StandardCharsets.US_ASCII));
            zip.finish();
        });
    }

    /** An uncompressed entry, as torch writes its records. */
    private static void stored(ZipOutputStream zip, String name, byte[] data) throws IOException {
        ZipEntry e = new ZipEntry(name);
        e.setMethod(ZipEntry.STORED);
        e.setSize(data.length);
        e.setCompressedSize(data.length);
        CRC32 crc = new CRC32();
        crc.update(data);
        e.setCrc(crc.getValue());
        e.setTime(0);
        zip.putNextEntry(e);
        zip.write(data);
        zip.closeEntry();
    }

    private static long elements(long[] shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }

    private static long[] rowMajorStrides(long[] shape) {
        long[] stride = new long[shape.length];
        long s = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            stride[i] = s;
            s *= shape[i];
        }
        return stride;
    }

    private static Object[] boxed(long[] values) {
        Object[] out = new Object[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = values[i];
        }
        return out;
    }

    /** The pickler with torch's persistent ids for the storages. */
    private static final class StoragePickler extends Pickler {
        StoragePickler() {
            super(false);
        }

        @Override
        protected Object persistentId(Object o) {
            if (o instanceof WrittenStorage s) {
                return new Object[] {"storage", new FloatStorageClass(), s.key(), STORAGE_LOCATION, s.elements()};
            }
            return null;
        }
    }

    /** The element type of a storage, as pickled: a global naming its class. */
    private record StorageType(String dtype) implements IObjectConstructor {
        @Override
        public Object construct(Object[] args) {
            throw new PickleException("a torch storage class was called; it only names an element type");
        }
    }

    /** A storage a tensor points at: its type and its key in the zip. */
    private record Storage(String dtype, String key, long elements) {
    }

    /** A tensor as pickled: a view (offset, shape, strides) on a storage, read once all storages are known. */
    private record View(Storage storage, long offset, long[] shape, long[] stride) {
    }

    /** Python's OrderedDict, which torch pickles with its {@code _metadata} as state (dropped here). */
    public static final class StateDict extends LinkedHashMap<Object, Object> {
        private static final long serialVersionUID = 1L;

        /** Called by name by the unpickler's BUILD; the state-dict metadata (module versions) is not needed. */
        public void __setstate__(HashMap<?, ?> state) {
        }
    }

    /**
     * Every tensor of a torch state-dict file, by its key, in file order.
     *
     * @throws IOException naming the file and what is wrong: not a torch zip (or the pre-1.6 format),
     *                     truncated, a storage missing or too short, a value that is not a tensor
     */
    public static Map<String, SafeTensors.Tensor> read(Path file) throws IOException {
        ZipFile zip;
        try {
            zip = new ZipFile(file.toFile());
        } catch (NoSuchFileException e) {
            throw new IOException(file + ": no such file", e);
        } catch (ZipException e) {
            throw new IOException(file + ": not a torch checkpoint (torch.save of PyTorch 1.6 or later writes a zip; this"
                    + " file is not one, or it is truncated): " + e.getMessage(), e);
        }
        try (zip) {
            String prefix = archivePrefix(zip, file);
            requireLittleEndian(zip, prefix, file);
            Object root;
            try (InputStream in = zip.getInputStream(zip.getEntry(prefix + PICKLE))) {
                root = new TorchUnpickler().load(in);
            } catch (PickleException | ClassCastException | IOException | IllegalStateException e) {
                throw new IOException(file + ": " + PICKLE + " could not be read: " + e.getMessage(), e);
            }
            if (!(root instanceof Map<?, ?> dict)) {
                throw new IOException(file + ": holds " + typeName(root) + ", not a state dict (a map of names to tensors)");
            }
            Map<String, SafeTensors.Tensor> tensors = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : dict.entrySet()) {
                if (!(e.getValue() instanceof View v)) {
                    throw new IOException(file + ": entry '" + e.getKey() + "' is " + typeName(e.getValue()) + ", not a tensor");
                }
                tensors.put(String.valueOf(e.getKey()), materialize(zip, prefix, v, String.valueOf(e.getKey()), file));
            }
            return tensors;
        } catch (ZipException e) {
            throw new IOException(file + ": truncated or damaged torch checkpoint: " + e.getMessage(), e);
        }
    }

    /** The folder every entry sits in: torch names it after the file (older) or {@code archive} (newer). */
    private static String archivePrefix(ZipFile zip, Path file) throws IOException {
        return zip.stream().map(ZipEntry::getName).filter(n -> n.endsWith("/" + PICKLE) && n.indexOf('/') == n.lastIndexOf('/'))
                .findFirst().map(n -> n.substring(0, n.length() - PICKLE.length()))
                .orElseThrow(() -> new IOException(file + ": a zip, but not a torch checkpoint (no */" + PICKLE + ")"));
    }

    private static void requireLittleEndian(ZipFile zip, String prefix, Path file) throws IOException {
        ZipEntry order = zip.getEntry(prefix + BYTE_ORDER);
        if (order != null) {
            try (InputStream in = zip.getInputStream(order)) {
                String o = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII).trim();
                if (!o.equals("little")) {
                    throw new IOException(file + ": storages are " + o + "-endian; only little-endian checkpoints are read");
                }
            }
        }
    }

    /** Reads a view's elements from its storage; the view must be dense (row-major strides). */
    private static SafeTensors.Tensor materialize(ZipFile zip, String prefix, View v, String key, Path file) throws IOException {
        String shape = java.util.Arrays.toString(v.shape());
        if (v.offset() < 0 || Arrays.stream(v.shape()).anyMatch(d -> d < 0)) {
            throw new IOException(file + ": tensor '" + key + "' has a negative offset (" + v.offset() + ") or size in its shape " + shape);
        }
        long count = 1;
        long expected = 1;
        try {
            for (int i = v.shape().length - 1; i >= 0; i--) {
                if (v.shape()[i] != 1 && v.stride()[i] != expected) {
                    throw new IOException(file + ": tensor '" + key + "' is a strided view; save it contiguous (tensor.contiguous())");
                }
                expected = Math.multiplyExact(expected, v.shape()[i]);
                count = Math.multiplyExact(count, v.shape()[i]);
            }
            Math.addExact(v.offset(), count);
            Math.multiplyExact(v.storage().elements(), (long) SafeTensors.width(v.storage().dtype()));
        } catch (ArithmeticException e) {
            throw new IOException(file + ": tensor '" + key + "' of shape " + shape + " has more elements than can be counted", e);
        }
        Storage s = v.storage();
        if (v.offset() + count > s.elements()) {
            throw new IOException(file + ": tensor '" + key + "' reaches past its storage (" + (v.offset() + count) + " > "
                    + s.elements() + " elements)");
        }
        ZipEntry entry = zip.getEntry(prefix + "data/" + s.key());
        if (entry == null) {
            throw new IOException(file + ": tensor '" + key + "' points at storage " + s.key() + ", which the file does not hold");
        }
        int width = SafeTensors.width(s.dtype());
        long declared = s.elements() * width;
        if (declared > MAX_STORAGE_BYTES || entry.getSize() > declared) {
            throw new IOException(file + ": storage " + s.key() + " of tensor '" + key + "' would inflate to " + Math.max(declared,
                    entry.getSize()) + " bytes; its storage declares " + declared + " (at most " + MAX_STORAGE_BYTES + " are read)");
        }
        byte[] bytes;
        try (InputStream in = zip.getInputStream(entry)) {
            bytes = in.readNBytes((int) declared); // never inflates past what the storage declares (a zip bomb stops here)
            if (in.read() >= 0) {
                throw new IOException(file + ": storage " + s.key() + " of tensor '" + key + "' holds more than the " + declared
                        + " bytes its storage declares");
            }
        }
        if (bytes.length < declared) {
            throw new IOException(file + ": storage " + s.key() + " of tensor '" + key + "' holds " + bytes.length + " bytes, "
                    + declared + " expected (truncated?)");
        }
        ByteBuffer b = ByteBuffer.wrap(bytes, Math.toIntExact(v.offset() * width), Math.toIntExact(count * width))
                .slice().order(ByteOrder.LITTLE_ENDIAN);
        SafeTensors.Tensor t = SafeTensors.decode(s.dtype(), v.shape(), b, Math.toIntExact(count));
        if (t.floats() != null) {
            for (int i = 0; i < t.floats().length; i++) {
                if (!Float.isFinite(t.floats()[i])) {
                    throw new IOException(file + ": tensor '" + key + "' holds " + t.floats()[i] + " at element " + i
                            + "; weights must be finite numbers");
                }
            }
        }
        return t;
    }

    /** The largest storage read: past protobuf's 2 GB an ONNX file could not hold it anyway. */
    static final long MAX_STORAGE_BYTES = Integer.MAX_VALUE - 8;

    /** {@code torch._utils._rebuild_tensor_v2(storage, offset, size, stride, requires_grad, hooks, ...)}. */
    private static Object rebuildTensor(Object[] args) {
        if (args.length < 4 || !(args[0] instanceof Storage storage)) {
            throw new PickleException("_rebuild_tensor_v2 without a storage");
        }
        return new View(storage, number(args[1]), longs(args[2]), longs(args[3]));
    }

    /** A whole number of the pickle (a shape's size, an offset); a float such as 11.5 is refused, not cut to 11. */
    private static long number(Object o) {
        if (o instanceof Integer || o instanceof Long || o instanceof Short || o instanceof Byte) {
            return ((Number) o).longValue();
        }
        if (o instanceof java.math.BigInteger big) {
            try {
                return big.longValueExact();
            } catch (ArithmeticException e) {
                throw new PickleException("a tensor's size or offset " + big + " is too large");
            }
        }
        throw new PickleException("a tensor's size or offset is " + o + " (" + typeName(o) + "), not a whole number");
    }

    private static long[] longs(Object tuple) {
        Object[] t = (Object[]) tuple;
        long[] out = new long[t.length];
        for (int i = 0; i < t.length; i++) {
            out[i] = number(t[i]);
        }
        return out;
    }

    private static String typeName(Object o) {
        return o == null ? "None" : o.getClass().getSimpleName();
    }

    /** The unpickler with torch's persistent ids: {@code ('storage', StorageClass, key, location, elements)}. */
    private static final class TorchUnpickler extends Unpickler {
        @Override
        protected Object persistentLoad(Object pid) {
            if (!(pid instanceof Object[] t) || t.length < 5 || !"storage".equals(t[0]) || !(t[1] instanceof StorageType type)) {
                throw new PickleException("unknown persistent id " + describe(pid) + " (only torch storages of "
                        + STORAGE_DTYPES.keySet() + " are read)");
            }
            return new Storage(type.dtype(), String.valueOf(t[2]), number(t[4]));
        }

        /** A persistent id in words: a tuple's items, and a Python class by its dotted name (not Pyrolite's object). */
        private static String describe(Object pid) {
            if (pid instanceof Object[] t) {
                List<String> items = new ArrayList<>();
                for (Object o : t) {
                    items.add(describe(o));
                }
                return "(" + String.join(", ", items) + ")";
            }
            if (pid instanceof net.razorvine.pickle.objects.ClassDictConstructor c
                    && c.construct(new Object[0]) instanceof net.razorvine.pickle.objects.ClassDict d) {
                return d.getClassName();
            }
            return String.valueOf(pid);
        }
    }
}
