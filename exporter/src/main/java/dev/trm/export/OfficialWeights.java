package dev.trm.export;

import dev.trm.data.AtomicFile;
import dev.trm.io.SafeTensors;
import dev.trm.model.TrmConfig;
import dev.trm.model.TrmParameters;
import dev.trm.train.TensorCheck;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Weights under the official state-dict keys, with or without the {@code _orig_mod.model.inner.} /
 * {@code model.inner.} prefix: a {@code torch.save} state dict (a {@code step_N} of an official run,
 * or a {@code .pt}/{@code .pth} file) or safetensors, in fp32, bf16 or fp16. Writing uses the full
 * compiled-model prefix, as the official training saves.
 */
public final class OfficialWeights {
    private static final String[] PREFIXES = {TrmParameters.OFFICIAL_PREFIX, "model.inner.", ""};
    /** The first bytes of a zip file, which torch.save writes. */
    private static final byte[] ZIP_MAGIC = {'P', 'K', 3, 4};

    private OfficialWeights() {
    }

    /** Weights read from a file, and the architecture they fit (its puzzle-id count from the table). */
    public record Weights(TrmConfig config, Map<String, float[]> values) {
    }

    /**
     * Reads weights for an architecture. The puzzle-embedding table may have any number of rows;
     * the returned config takes that number.
     *
     * @throws IOException naming every missing, unexpected or mis-shaped tensor
     */
    public static Weights read(Path file, TrmConfig config) throws IOException {
        return fit(tensors(file), config, file.toString());
    }

    /** Every tensor of a torch or safetensors file, by its official name without the prefixes. */
    public static Map<String, SafeTensors.Tensor> tensors(Path file) throws IOException {
        Map<String, SafeTensors.Tensor> raw = isZip(file) ? TorchCheckpoint.read(file)
                : SafeTensors.read(Files.readAllBytes(file), file.toString()).tensors();
        Map<String, SafeTensors.Tensor> stripped = new LinkedHashMap<>();
        for (Map.Entry<String, SafeTensors.Tensor> e : raw.entrySet()) {
            String name = e.getKey();
            for (String p : PREFIXES) {
                if (name.startsWith(p)) {
                    name = name.substring(p.length());
                    break;
                }
            }
            stripped.put(name, e.getValue());
        }
        return stripped;
    }

    /** The tensors as the values of {@code config}'s parameters (the puzzle-id count taken from the table). */
    public static Weights fit(Map<String, SafeTensors.Tensor> tensors, TrmConfig config, String source) throws IOException {
        TrmConfig c = config;
        SafeTensors.Tensor table = tensors.get(TrmParameters.PUZZLE_EMB);
        if (table != null && table.shape().length == 2 && table.shape()[0] != config.numPuzzleIds()) {
            c = config.withPuzzleIds((int) table.shape()[0]);
        }
        TensorCheck.requireExact(new TrmParameters(c), tensors, source);
        Map<String, float[]> values = new LinkedHashMap<>();
        for (TrmParameters.Spec s : new TrmParameters(c).specs()) {
            values.put(s.name(), tensors.get(s.name()).floats());
        }
        return new Weights(c, values);
    }

    private static boolean isZip(Path file) throws IOException {
        byte[] head;
        try (InputStream in = Files.newInputStream(file)) {
            head = in.readNBytes(ZIP_MAGIC.length);
        } catch (NoSuchFileException e) {
            throw new IOException(file + ": no such file", e);
        }
        return java.util.Arrays.equals(head, ZIP_MAGIC);
    }

    /** Writes fp32 weights under the official keys (with the compiled-model prefix), atomically. */
    public static void write(Path file, TrmConfig config, Map<String, float[]> values, Map<String, String> metadata)
            throws IOException {
        byte[] bytes = SafeTensors.write(stateDict(config, values), metadata);
        AtomicFile.write(file, o -> o.write(bytes));
    }

    /**
     * The official state dict of the weights: every tensor under the key torch.compile gives it
     * ({@code _orig_mod.model.inner.*}), in the order of the parameters; what both official writers
     * (safetensors and a run's step_N) store.
     */
    public static Map<String, SafeTensors.Tensor> stateDict(TrmConfig config, Map<String, float[]> values) {
        Map<String, SafeTensors.Tensor> out = new LinkedHashMap<>();
        for (TrmParameters.Spec s : new TrmParameters(config).specs()) {
            out.put(TrmParameters.OFFICIAL_PREFIX + s.name(), SafeTensors.Tensor.of(values.get(s.name()), s.shape()));
        }
        return out;
    }
}
