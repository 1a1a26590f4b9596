package dev.trm.export;

import dev.trm.data.AtomicFile;
import dev.trm.io.SafeTensors;
import dev.trm.model.TrmConfig;
import dev.trm.model.TrmParameters;
import dev.trm.train.TensorCheck;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * TRM weights as safetensors whose names are the official state-dict keys, with or without the
 * {@code _orig_mod.model.inner.} / {@code model.inner.} prefix, in fp32, bf16 or fp16. Writing
 * uses the full compiled-model prefix, as the official training saves.
 */
public final class OfficialWeights {
    private static final String[] PREFIXES = {TrmParameters.OFFICIAL_PREFIX, "model.inner.", ""};

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
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new IOException(file + ": no such file", e);
        }
        Map<String, SafeTensors.Tensor> raw = SafeTensors.read(bytes, file.toString()).tensors();
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
        TrmConfig c = config;
        SafeTensors.Tensor table = stripped.get(TrmParameters.PUZZLE_EMB);
        if (table != null && table.shape().length == 2 && table.shape()[0] != config.numPuzzleIds()) {
            c = new TrmConfig(config.task(), config.variant(), config.hiddenSize(), config.heads(), config.expansion(),
                    config.layers(), config.hCycles(), config.lCycles(), config.haltMaxSteps(), config.vocabSize(),
                    config.seqLen(), config.puzzleEmbLen(), (int) table.shape()[0], config.ropeTheta(), config.normEps());
        }
        TensorCheck.requireExact(new TrmParameters(c), stripped, file.toString());
        Map<String, float[]> values = new LinkedHashMap<>();
        for (TrmParameters.Spec s : new TrmParameters(c).specs()) {
            values.put(s.name(), stripped.get(s.name()).floats());
        }
        return new Weights(c, values);
    }

    /** Writes fp32 weights under the official keys (with the compiled-model prefix), atomically. */
    public static void write(Path file, TrmConfig config, Map<String, float[]> values, Map<String, String> metadata)
            throws IOException {
        Map<String, SafeTensors.Tensor> out = new LinkedHashMap<>();
        for (TrmParameters.Spec s : new TrmParameters(config).specs()) {
            out.put(TrmParameters.OFFICIAL_PREFIX + s.name(), SafeTensors.Tensor.of(values.get(s.name()), s.shape()));
        }
        byte[] bytes = SafeTensors.write(out, metadata);
        AtomicFile.write(file, o -> o.write(bytes));
    }
}
