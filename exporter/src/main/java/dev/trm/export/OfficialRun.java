package dev.trm.export;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.trm.data.AtomicFile;
import dev.trm.io.SafeTensors;
import dev.trm.model.TrmConfig;
import dev.trm.model.TrmParameters;
import dev.trm.task.TaskKind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A run folder of the official PyTorch code ({@code pretrain.py}): {@code all_config.yaml} (the whole
 * config, the architecture under {@code arch:}, the data under {@code data_paths}) beside the
 * {@code step_N} checkpoints it saved. Reads the newest step, or the one named, with the config of its
 * folder; a folder without {@code all_config.yaml} takes the arch fields as options.
 */
public final class OfficialRun {
    public static final String CONFIG = "all_config.yaml";
    private static final Pattern STEP = Pattern.compile("step_(\\d+)");
    /** An all_config.yaml is a few kilobytes: longer input or deeper nesting is refused at once, not parsed for minutes. */
    static final int MAX_CONFIG_CODE_POINTS = 1 << 20;
    static final int MAX_CONFIG_NESTING = 64;
    private static final YAMLMapper YAML = new YAMLMapper(com.fasterxml.jackson.dataformat.yaml.YAMLFactory.builder()
            .loaderOptions(yamlLimits()).build());

    private static org.yaml.snakeyaml.LoaderOptions yamlLimits() {
        org.yaml.snakeyaml.LoaderOptions o = new org.yaml.snakeyaml.LoaderOptions();
        o.setCodePointLimit(MAX_CONFIG_CODE_POINTS);
        o.setNestingDepthLimit(MAX_CONFIG_NESTING);
        return o;
    }
    /** cfg_pretrain.yaml's training settings, written into an exported run's config. */
    private static final int OFFICIAL_BATCH = 768;
    private static final int OFFICIAL_EPOCHS = 100000;
    private static final double OFFICIAL_LR = 1e-4;
    private static final int OFFICIAL_WARMUP = 2000;
    private static final double OFFICIAL_WEIGHT_DECAY = 0.1;
    private static final double OFFICIAL_BETA1 = 0.9;
    private static final double OFFICIAL_BETA2 = 0.95;
    private static final double OFFICIAL_PUZZLE_EMB_LR = 1e-2;

    private OfficialRun() {
    }

    /** What the command line adds to a run: the arch fields as options (empty: from all_config.yaml), and the task when the config does not say. */
    public record Overrides(Map<String, String> archFields, TaskKind task) {
        public Overrides {
            archFields = Map.copyOf(archFields);
        }
    }

    /** A run read: its checkpoint file, its architecture fields and the weights fitted to them. */
    public record Loaded(Path checkpoint, OfficialArch arch, OfficialWeights.Weights weights) {
    }

    /** Whether a path looks like an official run (a folder, or a file that is not one of this toolkit's checkpoints). */
    public static boolean isRun(Path path) {
        String name = path.getFileName() == null ? "" : path.getFileName().toString();
        return Files.isDirectory(path) || STEP.matcher(name).matches() || name.endsWith(".pt") || name.endsWith(".pth");
    }

    /**
     * Reads a run folder (its newest {@code step_N}) or one checkpoint file.
     *
     * @throws IOException naming the file and field that is missing, malformed or disagrees with the weights
     */
    public static Loaded read(Path runOrFile, Overrides request) throws IOException {
        Path checkpoint = Files.isDirectory(runOrFile) ? newestStep(runOrFile) : runOrFile;
        Path folder = checkpoint.toAbsolutePath().getParent();
        Path configFile = folder.resolve(CONFIG);
        OfficialArch arch;
        TaskKind task = request.task();
        if (!request.archFields().isEmpty()) {
            arch = OfficialArch.parse(OfficialArch.fromOptions(request.archFields()), "the --arch options");
        } else if (Files.isRegularFile(configFile)) {
            JsonNode root = readYaml(configFile);
            JsonNode archNode = root.get("arch");
            if (archNode == null || !archNode.isObject()) {
                throw new IOException(configFile + ": no arch: section (the model's architecture)");
            }
            arch = OfficialArch.parse(archNode, configFile.toString());
            if (task == null) {
                task = taskOfData(root.path("data_paths"), configFile);
            }
        } else {
            throw new IOException(folder + ": no " + CONFIG + " beside " + checkpoint.getFileName()
                    + "; give the architecture as --arch FIELD=VALUE options (hidden_size, num_heads, ...) and --task");
        }
        if (task == null) {
            throw new IOException(checkpoint + ": which task the model solves is not known: give --task ("
                    + TaskKind.names() + ")");
        }
        Map<String, SafeTensors.Tensor> tensors = OfficialWeights.tensors(checkpoint);
        OfficialWeights.Weights w = OfficialWeights.fit(tensors, arch.toConfig(tensors, task, checkpoint.toString()),
                checkpoint.toString());
        return new Loaded(checkpoint, arch, w);
    }

    /**
     * Writes a run folder the official code loads as its own: {@code all_config.yaml} (the architecture
     * under {@code arch:}, the official training defaults elsewhere, the task in {@code data_paths}) and
     * {@code step_N}, a torch.save state dict under the keys torch.compile gives
     * ({@code _orig_mod.model.inner.*}). Each file is written to a temporary file and renamed.
     *
     * @return the step_N file
     */
    public static Path write(Path runDir, TrmConfig c, Map<String, float[]> values, long step) throws IOException {
        Files.createDirectories(runDir);
        Path checkpoint = runDir.resolve("step_" + step);
        TorchCheckpoint.write(checkpoint, OfficialWeights.stateDict(c, values));
        byte[] yaml = YAML.writeValueAsBytes(runConfig(c, runDir));
        AtomicFile.write(runDir.resolve(CONFIG), out -> out.write(yaml));
        return checkpoint;
    }

    /** The whole config pretrain.py dumps, with the official defaults (cfg_pretrain.yaml) for training. */
    private static Map<String, Object> runConfig(TrmConfig c, Path runDir) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("arch", OfficialArch.fieldsOf(c));
        root.put("data_paths", List.of("data/" + c.task()));
        root.put("data_paths_test", List.of());
        root.put("evaluators", List.of());
        root.put("global_batch_size", OFFICIAL_BATCH);
        root.put("epochs", OFFICIAL_EPOCHS);
        root.put("lr", OFFICIAL_LR);
        root.put("lr_min_ratio", 1.0);
        root.put("lr_warmup_steps", OFFICIAL_WARMUP);
        root.put("weight_decay", OFFICIAL_WEIGHT_DECAY);
        root.put("beta1", OFFICIAL_BETA1);
        root.put("beta2", OFFICIAL_BETA2);
        root.put("puzzle_emb_lr", OFFICIAL_PUZZLE_EMB_LR);
        root.put("puzzle_emb_weight_decay", OFFICIAL_WEIGHT_DECAY);
        root.put("project_name", "trm-toolkit");
        root.put("run_name", runDir.toAbsolutePath().getFileName().toString());
        root.put("checkpoint_path", runDir.toString());
        root.put("seed", 0);
        root.put("ema", false);
        return root;
    }

    /** The step_N with the largest N in a folder. */
    static Path newestStep(Path folder) throws IOException {
        List<Path> steps;
        try (Stream<Path> files = Files.list(folder)) {
            steps = files.filter(p -> STEP.matcher(p.getFileName().toString()).matches() && Files.isRegularFile(p)).toList();
        }
        for (Path p : steps) {
            stepNumber(p); // a step number past a long is an error naming the file
        }
        Path newest = steps.stream().max(Comparator.comparingLong(OfficialRun::stepOf))
                .orElseThrow(() -> new IOException(folder + ": no step_N checkpoint in this folder"));
        List<Path> same = steps.stream().filter(p -> stepOf(p) == stepOf(newest)).sorted().toList();
        if (same.size() > 1) {
            throw new IOException(folder + ": " + same.stream().map(p -> p.getFileName().toString()).toList() + " are the same step "
                    + stepOf(newest) + "; give the one to read");
        }
        return newest;
    }

    private static long stepNumber(Path checkpoint) throws IOException {
        Matcher m = STEP.matcher(checkpoint.getFileName().toString());
        try {
            return m.matches() ? Long.parseLong(m.group(1)) : -1;
        } catch (NumberFormatException e) {
            throw new IOException(checkpoint + ": the step number " + m.group(1) + " is too large", e);
        }
    }

    /** N of a step_N file (-1 for another name, or a number past a long). */
    public static long stepOf(Path checkpoint) {
        try {
            return stepNumber(checkpoint);
        } catch (IOException e) {
            return -1;
        }
    }

    private static JsonNode readYaml(Path file) throws IOException {
        if (Files.size(file) > MAX_CONFIG_CODE_POINTS) { // SnakeYAML takes minutes over a 10 MB key before it says anything
            throw new IOException(file + ": " + Files.size(file) + " bytes; an all_config.yaml this toolkit reads is at most "
                    + MAX_CONFIG_CODE_POINTS);
        }
        try {
            JsonNode root = YAML.readTree(file.toFile());
            if (root == null || !root.isObject()) {
                throw new IOException(file + ": not a YAML mapping");
            }
            return root;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            String at = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr();
            throw new IOException(file + ": not valid YAML" + at + ": " + e.getOriginalMessage(), e);
        } catch (RuntimeException e) { // SnakeYAML's own limits (code points, nesting) throw unchecked
            throw new IOException(file + ": not a config this toolkit reads (at most " + MAX_CONFIG_CODE_POINTS + " characters, "
                    + MAX_CONFIG_NESTING + " levels deep): " + e.getMessage(), e);
        }
    }

    /** The task a data path names ({@code data/sudoku-extreme-1k-aug-1000} is Sudoku), or null when none does. */
    static TaskKind taskOfData(JsonNode dataPaths, Path configFile) throws IOException {
        if (!dataPaths.isArray() || dataPaths.isEmpty()) {
            return null;
        }
        String path = dataPaths.get(0).asText().toLowerCase(Locale.ROOT);
        String name = path.substring(path.lastIndexOf('/') + 1);
        TaskKind found = null;
        for (TaskKind k : TaskKind.values()) {
            if (name.contains(k.id())) {
                if (found != null) {
                    throw new IOException(configFile + ": data_paths[0] '" + path + "' names both " + found + " and " + k
                            + "; give --task");
                }
                found = k;
            }
        }
        return found;
    }
}
