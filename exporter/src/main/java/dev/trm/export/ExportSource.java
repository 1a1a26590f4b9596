package dev.trm.export;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trm.model.Presets;
import dev.trm.model.TrmConfig;
import dev.trm.model.TrmParameters;
import dev.trm.runtime.StepContract;
import dev.trm.task.TaskKind;
import dev.trm.train.Checkpoint;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What an export reads: the weights, their architecture and where they came from (the model's
 * provenance metadata). From one of this toolkit's checkpoints, an official TRM/HRM run (its folder,
 * one step_N, or a state dict beside an all_config.yaml), official safetensors with a preset, or
 * seeded random weights.
 */
public record ExportSource(TrmConfig config, Map<String, float[]> values, Map<String, String> provenance) {
    public ExportSource {
        provenance = new LinkedHashMap<>(provenance);
        if (TaskKind.ARC.is(config.task()) && !provenance.containsKey(StepContract.PUZZLE_IDENTIFIERS)) {
            throw new IllegalArgumentException("an ARC model needs the names of its puzzle-embedding rows: export a checkpoint"
                    + " trained by trm train, or give --identifiers with official weights");
        }
    }

    /**
     * One line on what was read: the source (a checkpoint, an official run's step file, weights) and
     * the architecture taken from it or derived from its config and shapes.
     */
    public String describe() {
        TrmConfig c = config;
        String arch = c.architecture() == dev.trm.model.Architecture.HRM
                ? "hrm, H layers " + c.hLayers() + ", L layers " + c.layers()
                : "trm " + c.variant().name().toLowerCase() + ", " + c.layers() + " layers";
        return String.format("read %s: %s, %s, D=%d, heads %d, T=%d n=%d N_sup=%d, positions %s, puzzle_emb_len %d, %d puzzle ids",
                provenance.get(StepContract.SOURCE_CHECKPOINT), c.task(), arch, c.hiddenSize(), c.heads(), c.hCycles(), c.lCycles(),
                c.haltMaxSteps(), c.posEncoding().name().toLowerCase(), c.puzzleEmbLen(), c.numPuzzleIds());
    }

    /**
     * A file or folder given by name: an official run (a folder, step_N, .pt/.pth, .safetensors) or
     * else one of this toolkit's checkpoints.
     *
     * @param official how to read an official run where its folder does not say (ignored for a checkpoint)
     * @param ema      from a checkpoint: its EMA weights (else the trained ones)
     */
    public static ExportSource of(Path source, OfficialRun.Overrides official, Path identifiers, boolean ema) throws IOException {
        if (OfficialRun.isRun(source) || source.getFileName().toString().endsWith(".safetensors")) {
            return officialRun(source, official, identifiers);
        }
        return checkpoint(source, ema);
    }

    /** One of this toolkit's checkpoints: its EMA (or trained) weights, checked to be finite. */
    public static ExportSource checkpoint(Path file, boolean ema) throws IOException {
        Checkpoint c = Checkpoint.read(file);
        c.requireFinite();
        Map<String, String> provenance = new LinkedHashMap<>(Exporter.provenance(file.getFileName().toString(), c.step(), c.info()));
        provenance.put(StepContract.WEIGHTS, ema ? "ema" : "trained");
        return new ExportSource(c.model(), c.values(ema), provenance);
    }

    /** An official run: its folder (the newest step_N), one step file, or a state dict beside its all_config.yaml. */
    public static ExportSource officialRun(Path runOrFile, OfficialRun.Overrides overrides, Path identifiers) throws IOException {
        OfficialRun.Loaded run = OfficialRun.read(runOrFile, overrides);
        Path folder = run.checkpoint().toAbsolutePath().getParent();
        Map<String, String> provenance = official(folder.getFileName() + "/" + run.checkpoint().getFileName(), identifiers,
                run.weights().config());
        long step = OfficialRun.stepOf(run.checkpoint());
        if (step >= 0) {
            provenance.put(StepContract.TRAINING_STEP, Long.toString(step));
        }
        return new ExportSource(run.weights().config(), run.weights().values(), provenance);
    }

    /** Official weights (safetensors or torch.save) under a preset's architecture. */
    public static ExportSource officialWeights(Path file, String preset, Path identifiers) throws IOException {
        OfficialWeights.Weights w = OfficialWeights.read(file, Presets.get(preset));
        return new ExportSource(w.config(), w.values(), official(file.getFileName().toString(), identifiers, w.config()));
    }

    /** Freshly initialised weights of a preset, for size and parity checks. */
    public static ExportSource random(String preset, long seed) {
        TrmConfig config = Presets.get(preset);
        return new ExportSource(config, new TrmParameters(config).initialise(seed),
                Map.of(StepContract.SOURCE_CHECKPOINT, "random weights, preset " + preset + ", seed " + seed));
    }

    /** The provenance of official weights (and the ARC puzzle names of an identifiers.json). */
    private static Map<String, String> official(String from, Path identifiers, TrmConfig config) throws IOException {
        Map<String, String> provenance = new LinkedHashMap<>();
        provenance.put(StepContract.SOURCE_CHECKPOINT, from);
        if (identifiers != null) {
            provenance.put(StepContract.PUZZLE_IDENTIFIERS, identifiers(identifiers, config.numPuzzleIds()));
        }
        return provenance;
    }

    /** The reference identifiers.json (a JSON list of names, index = puzzle id) as metadata: one name per line. */
    static String identifiers(Path file, int rows) throws IOException {
        JsonNode list;
        try (InputStream in = Files.newInputStream(file)) {
            list = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).readTree(in);
        } catch (NoSuchFileException e) {
            throw new IOException("--identifiers " + file + ": no such file", e);
        } catch (JsonProcessingException e) {
            String at = e.getLocation() == null ? "" : ":" + e.getLocation().getLineNr() + ":" + e.getLocation().getColumnNr();
            throw new IOException("--identifiers " + file + at + ": not JSON (" + e.getOriginalMessage() + ")", e);
        } catch (IOException e) {
            throw new IOException("--identifiers " + file + ": cannot read it (" + e.getMessage() + ")", e);
        }
        if (list == null || !list.isArray()) {
            throw new IllegalArgumentException(file + ": expected a JSON list of puzzle identifiers (index = puzzle id)");
        }
        if (list.size() != rows) {
            throw new IllegalArgumentException(file + ": " + list.size() + " identifiers, but the weights' puzzle_emb table has "
                    + rows + " rows");
        }
        List<String> names = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            if (!list.get(i).isTextual() || list.get(i).asText().contains("\n")) {
                throw new IllegalArgumentException(file + ": identifier " + i + " is not a one-line string");
            }
            names.add(list.get(i).asText());
        }
        return String.join("\n", names);
    }
}
