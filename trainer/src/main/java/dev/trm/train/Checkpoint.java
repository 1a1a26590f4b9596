package dev.trm.train;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trm.data.AtomicFile;
import dev.trm.io.SafeTensors;
import dev.trm.model.TrmConfig;
import dev.trm.model.TrmParameters;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * A training checkpoint: one ZIP file with
 * <ul>
 *   <li>{@code checkpoint.json}: {@code format}, {@code version}, the model and training configs,
 *       the step, the data-stream position, the run's {@link RunInfo} (data set, recipe, last evaluation);</li>
 *   <li>{@code weights.safetensors}: every model tensor by its official state-dict name;</li>
 *   <li>{@code ema.safetensors}: the EMA copies of the trainable tensors (when EMA is on);</li>
 *   <li>{@code optimizer.safetensors}: {@code m/NAME} and {@code v/NAME} moments;</li>
 *   <li>{@code carry.safetensors}: the ACT carry (y, z, steps, halted, tokens, labels, puzzle_ids).</li>
 * </ul>
 * Entries are written in a fixed order with fixed timestamps, so equal state gives equal bytes.
 * Written to a temporary file and renamed.
 */
public record Checkpoint(TrmConfig model, TrainConfig train, long step, long dataPosition, RunInfo info,
                         Map<String, SafeTensors.Tensor> weights, Map<String, SafeTensors.Tensor> ema,
                         Map<String, SafeTensors.Tensor> optimizer, Map<String, SafeTensors.Tensor> carry) {
    public static final String FORMAT = "trm-checkpoint";
    public static final int VERSION = 1;
    static final String META = "checkpoint.json";
    static final String WEIGHTS = "weights.safetensors";
    static final String EMA = "ema.safetensors";
    static final String OPTIMIZER = "optimizer.safetensors";
    static final String CARRY = "carry.safetensors";
    private static final long FIXED_TIME = 0L;
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES);

    /**
     * The same run allowed more (or fewer) supervision steps per puzzle: N_sup changes no weight and
     * no carry slot (a slot's step count just meets a new limit), so a run can be extended to the
     * reference's N_sup = 16 after training at a cheaper one.
     */
    public Checkpoint withHaltMaxSteps(int nSup) {
        return new Checkpoint(model.withCycles(model.hCycles(), model.lCycles(), nSup), train, step, dataPosition, info,
                weights, ema, optimizer, carry);
    }

    /** The tensors for evaluation and export: EMA copies where present, trained values for the rest. */
    public Map<String, float[]> evaluationValues() {
        return values(true);
    }

    /**
     * The tensors for evaluation and export.
     *
     * @param useEma the EMA copies where present ({@link #evaluationValues()}), or else the trained values themselves
     */
    public Map<String, float[]> values(boolean useEma) {
        Map<String, float[]> out = new LinkedHashMap<>();
        for (TrmParameters.Spec s : new TrmParameters(model).specs()) {
            SafeTensors.Tensor t = useEma && ema.containsKey(s.name()) ? ema.get(s.name()) : weights.get(s.name());
            out.put(s.name(), t.floats());
        }
        return out;
    }

    /**
     * Throws unless every stored float is finite (weights, EMA copies, optimizer moments, carry): a run
     * that diverged must not be evaluated, exported or resumed as if it were a model, and one NaN in
     * an Adam moment would reach every weight on the next step.
     */
    public void requireFinite() {
        Map<String, Map<String, SafeTensors.Tensor>> parts = new LinkedHashMap<>();
        parts.put(WEIGHTS, weights);
        parts.put(EMA, ema);
        parts.put(OPTIMIZER, optimizer);
        parts.put(CARRY, carry);
        parts.forEach((part, tensors) -> tensors.forEach((name, t) -> {
            if (t.floats() == null) {
                return;
            }
            for (int i = 0; i < t.floats().length; i++) {
                if (!Float.isFinite(t.floats()[i])) {
                    throw new IllegalArgumentException("checkpoint at step " + step + ": " + part + " tensor '" + name + "' holds "
                            + t.floats()[i] + " at index " + i + ": the run diverged or the file is damaged; resume from an earlier checkpoint");
                }
            }
        }));
    }

    public void write(Path file) throws IOException {
        ObjectNode meta = JSON.createObjectNode();
        meta.put("format", FORMAT);
        meta.put("version", VERSION);
        meta.set("model", JSON.valueToTree(model));
        meta.set("train", JSON.valueToTree(train));
        meta.put("step", step);
        meta.put("data_position", dataPosition);
        meta.set("info", JSON.valueToTree(info));
        AtomicFile.write(file, out -> {
            try (ZipOutputStream zip = new ZipOutputStream(out)) {
                entry(zip, META, JSON.writeValueAsBytes(meta));
                entry(zip, WEIGHTS, SafeTensors.write(weights, Collections.emptyMap()));
                entry(zip, EMA, SafeTensors.write(ema, Collections.emptyMap()));
                entry(zip, OPTIMIZER, SafeTensors.write(optimizer, Collections.emptyMap()));
                entry(zip, CARRY, SafeTensors.write(carry, Collections.emptyMap()));
            }
        });
    }

    private static void entry(ZipOutputStream zip, String name, byte[] bytes) throws IOException {
        ZipEntry e = new ZipEntry(name);
        e.setTime(FIXED_TIME);
        zip.putNextEntry(e);
        zip.write(bytes);
        zip.closeEntry();
    }

    /**
     * Reads a checkpoint.
     *
     * @throws IOException naming the file and what is wrong: missing, not a ZIP, truncated, a
     *                     foreign ZIP, a missing entry, an invalid config, missing or mis-shaped tensors
     */
    public static Checkpoint read(Path file) throws IOException {
        Map<String, byte[]> entries = entries(file);
        JsonNode meta;
        try {
            meta = JSON.readTree(entries.get(META));
        } catch (IOException e) {
            throw new IOException("checkpoint " + file + ": " + META + " is not JSON: " + e.getMessage(), e);
        }
        if (!FORMAT.equals(meta.path("format").asText())) {
            throw new IOException("checkpoint " + file + ": not a TRM checkpoint (format '" + meta.path("format").asText() + "')");
        }
        if (meta.path("version").asInt() != VERSION) {
            throw new IOException("checkpoint " + file + ": unsupported checkpoint version " + meta.path("version").asInt()
                    + " (this build reads version " + VERSION + ")");
        }
        TrmConfig model;
        TrainConfig train;
        try {
            model = JSON.treeToValue(modelWithFormerDefaults(meta.get("model")), TrmConfig.class);
            train = JSON.treeToValue(withFormerDefaults(meta.get("train")), TrainConfig.class);
        } catch (IOException | IllegalArgumentException e) {
            throw new IOException("checkpoint " + file + ": bad config: " + rootMessage(e), e);
        }
        RunInfo info;
        try {
            // every field of the run information is optional
            info = meta.has("info") ? JSON.readerFor(RunInfo.class).without(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
                    .readValue(meta.get("info")) : RunInfo.empty();
        } catch (IOException | IllegalArgumentException e) {
            throw new IOException("checkpoint " + file + ": bad run information: " + rootMessage(e), e);
        }
        String where = "checkpoint " + file;
        Map<String, SafeTensors.Tensor> weights = SafeTensors.read(entries.get(WEIGHTS), where + " " + WEIGHTS).tensors();
        TensorCheck.requireExact(new TrmParameters(model), weights, where + " " + WEIGHTS);
        return new Checkpoint(model, train, meta.path("step").asLong(), meta.path("data_position").asLong(), info, weights,
                SafeTensors.read(entries.get(EMA), where + " " + EMA).tensors(),
                SafeTensors.read(entries.get(OPTIMIZER), where + " " + OPTIMIZER).tensors(),
                SafeTensors.read(entries.get(CARRY), where + " " + CARRY).tensors());
    }

    /** The checkpoint's ZIP entries by name, each of the five there. */
    private static Map<String, byte[]> entries(Path file) throws IOException {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        try (InputStream in = Files.newInputStream(file); ZipInputStream zip = new ZipInputStream(in)) {
            for (ZipEntry e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
                ByteArrayOutputStream buf = new ByteArrayOutputStream();
                zip.transferTo(buf);
                entries.put(e.getName(), buf.toByteArray());
            }
        } catch (NoSuchFileException e) {
            throw new IOException("checkpoint " + file + ": no such file", e);
        } catch (ZipException | EOFException e) {
            throw new IOException("checkpoint " + file + ": not a TRM checkpoint or truncated (" + e.getMessage() + ")", e);
        }
        if (entries.isEmpty()) {
            throw new IOException("checkpoint " + file + ": not a TRM checkpoint (not a ZIP archive, or empty)");
        }
        for (String required : new String[] {META, WEIGHTS, EMA, OPTIMIZER, CARRY}) {
            if (!entries.containsKey(required)) {
                throw new IOException("checkpoint " + file + ": not a TRM checkpoint or truncated (no entry '" + required + "')");
            }
        }
        return entries;
    }

    /** Fields added to the training config after version 1 was written, with the value older runs trained with. */
    private static JsonNode withFormerDefaults(JsonNode train) {
        if (train instanceof ObjectNode && !train.has("lrMinRatio")) {
            ObjectNode copy = ((ObjectNode) train).deepCopy();
            copy.put("lrMinRatio", 1.0); // a constant rate after warm-up
            return copy;
        }
        return train;
    }

    /**
     * A model config written before positions, architecture, H layers and the halting rule were fields:
     * null positions and architecture take TrmConfig's defaults (the positions the variant implied, TRM),
     * no H network, halting on q_halt > 0.
     */
    private static JsonNode modelWithFormerDefaults(JsonNode model) {
        if (model instanceof ObjectNode && !model.has("architecture")) {
            ObjectNode copy = ((ObjectNode) model).deepCopy();
            copy.putNull("posEncoding");
            copy.putNull("architecture");
            copy.put("hLayers", 0);
            copy.put("haltOnContinue", false);
            return copy;
        }
        return model;
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage();
    }
}
