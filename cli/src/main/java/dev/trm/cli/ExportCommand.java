package dev.trm.cli;

import dev.trm.data.AtomicFile;
import dev.trm.export.ExportSource;
import dev.trm.export.Exporter;
import dev.trm.export.OfficialArch;
import dev.trm.export.OfficialRun;
import dev.trm.export.OfficialWeights;
import dev.trm.export.WeightEncoding;
import dev.trm.model.Architecture;
import dev.trm.model.PyTorchNatives;
import dev.trm.model.TrmConfig;
import dev.trm.runtime.StepContract;
import dev.trm.task.TaskKind;
import dev.trm.train.PuzzleSamples;
import dev.trm.train.TrainingSets;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code trm export} (also the {@code trm-export} command): one supervision step to ONNX, verified. */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = "Trace one TRM supervision step into an ONNX file (x, y, z) -> (y', z', logits, q_halt, q_continue),"
                + " verify it against the trainer's step, and write it atomically. Or write the weights as safetensors.")
final class ExportCommand implements Callable<Integer> {
    @Parameters(arity = "0..1", paramLabel = "CHECKPOINT",
            description = "a trainer checkpoint (.ckpt); or an official TRM/HRM run: its folder (the newest step_N and"
                    + " all_config.yaml), one step_N, or a .pt/.pth/.safetensors state dict beside an all_config.yaml")
    Path checkpoint;

    @Option(names = "--task", description = "an official run's task (sudoku, maze, arc) when its data_paths do not name it")
    String task;

    @Option(names = "--arch", paramLabel = "FIELD=VALUE",
            description = "an official run's architecture when its folder has no all_config.yaml: the arch fields by their"
                    + " names there (name=trm|hrm, hidden_size, num_heads, expansion, H_cycles, L_cycles, H_layers, L_layers,"
                    + " mlp_t, puzzle_emb_ndim, puzzle_emb_len, pos_encodings, rms_norm_eps, rope_theta, halt_max_steps)")
    Map<String, String> arch = new LinkedHashMap<>();

    @Option(names = "--identifiers", paramLabel = "IDENTIFIERS.json",
            description = "with official weights: the reference dataset's identifiers.json (a JSON list, index = puzzle id),"
                    + " which names each puzzle-embedding row (ARC: the tasks and their variants)")
    Path identifiers;

    @ArgGroup(exclusive = false, heading = "Other sources:%n")
    OtherSource other;

    static final class OtherSource {
        @Option(names = "--preset", required = true, description = "architecture of --from-safetensors / --random-weights")
        String preset;

        @Option(names = "--from-safetensors", description = "official TRM weights (state-dict names; fp32/bf16/fp16)")
        Path safetensors;

        @Option(names = "--random-weights", description = "freshly initialised weights (seeded), for size and parity checks")
        boolean random;

        @Option(names = "--seed", defaultValue = "0", description = "seed of --random-weights")
        long seed;
    }

    @Option(names = "--to", defaultValue = "onnx",
            description = "onnx (default); official: a run folder the official PyTorch code loads (-o names the folder:"
                    + " all_config.yaml and step_N); or safetensors (official state-dict names)")
    String to;

    @Option(names = {"-o", "--out"}, required = true, description = "output file")
    Path out;

    @Option(names = "--verify", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "check the file against the trainer's step before writing (default: on)")
    boolean verify;

    @Option(names = "--verify-data", description = "puzzles of the model's task to verify on (default: generated Sudoku puzzles)")
    Path verifyData;

    @Mixin
    WeightsChoice checkpointWeights;

    @Option(names = "--quantize", defaultValue = "none",
            description = "none, or int8: the blocks' matmuls in int8 (per-channel weight scales, activations quantized at run"
                    + " time), checked by its answers against the fp32 step (default: ${DEFAULT-VALUE})")
    String quantize;

    @Option(names = "--int8-activations", defaultValue = "ROWS",
            description = "with --quantize int8: ROWS (one activation scale per row at every product) or MIXED (per row where"
                    + " gate x up or attention's output enters a projection, one per tensor for the normalized states entering"
                    + " gate/up and qkv: fewer operations, but a tensor's scale spans the batch, so an answer can depend on the"
                    + " batch) (default: ${DEFAULT-VALUE})")
    WeightEncoding.ActivationScales int8Activations;

    @Option(names = "--weights", defaultValue = "fp32",
            description = "fp32, or fp16: store the float weights in half precision (half the file; computed in fp32)"
                    + " (default: ${DEFAULT-VALUE})")
    String weights;

    @Spec
    CommandSpec spec;

    /** Reads what to export: a checkpoint or official run, official weights with a preset, or seeded random weights. */
    private ExportSource source() throws IOException {
        if (checkpoint != null && other != null) {
            throw new IllegalArgumentException("give either a CHECKPOINT or --preset with --from-safetensors/--random-weights");
        }
        if (checkpoint != null) {
            return ExportSource.of(checkpoint, new OfficialRun.Overrides(arch, task == null ? null : TaskKind.of(task)), identifiers,
                    checkpointWeights.ema);
        } else if (other != null && other.safetensors != null) {
            return ExportSource.officialWeights(other.safetensors, other.preset, identifiers);
        } else if (other != null && other.random) {
            return ExportSource.random(other.preset, other.seed);
        }
        throw new IllegalArgumentException("nothing to export: give a CHECKPOINT or run folder, or --preset with"
                + " --from-safetensors or --random-weights");
    }

    @Override
    public Integer call() throws Exception {
        PyTorchNatives.require("exporting");
        PrintWriter stdout = spec.commandLine().getOut();
        AtomicFile.requireWritableFolder(out, checkpoint, other != null ? other.safetensors : null, identifiers, verifyData);
        WeightEncoding encoding = WeightEncoding.of(quantize, weights).withActivations(int8Activations);
        ExportSource source = source();
        stdout.println(source.describe());
        stdout.flush();
        TrmConfig config = source.config();
        Map<String, float[]> values = source.values();
        Map<String, String> provenance = source.provenance();
        if ("safetensors".equals(to)) {
            OfficialWeights.write(out, config, values, Map.of("format", "pt"));
            stdout.printf("wrote %s (%,d bytes, official state-dict names)%n", out, Files.size(out));
            stdout.flush();
            return 0;
        }
        if ("official".equals(to)) {
            long step = Long.parseLong(provenance.getOrDefault(StepContract.TRAINING_STEP, "0"));
            Path written = OfficialRun.write(out, config, values, step);
            stdout.printf("wrote %s and %s: a run folder of the official code (%s)%n", written, out.resolve(OfficialRun.CONFIG),
                    OfficialArch.fieldsOf(config).get(OfficialArch.NAME));
            stdout.flush();
            return 0;
        }
        if (!"onnx".equals(to)) {
            throw new IllegalArgumentException("--to: expected onnx, official or safetensors, got '" + to + "'");
        }
        List<PuzzleSamples.Sample> samples = verifyData == null ? null
                : TrainingSets.originals(config.task(), verifyData);
        long t0 = System.nanoTime();
        Exporter.Result r;
        r = Exporter.export(config, values, provenance, samples, verify, out, encoding); // a failed check's message holds the table
        double seconds = (System.nanoTime() - t0) / 1e9;
        if (r.report() != null) {
            stdout.print(r.report().table());
        }
        if (r.quantized() != null) {
            stdout.print(r.quantized().table());
        }
        stdout.printf("wrote %s: %,d bytes (%s; %.2f bytes per parameter, %,d parameters), %s %s, T=%d n=%d N_sup=%d, in %.1f s%s%n",
                out, r.onnx().length, encoding.describe(), (double) r.onnx().length / Exporter.floats(config), Exporter.floats(config),
                config.task(),
                (config.architecture() == Architecture.HRM ? "hrm " : "") + config.variant().name().toLowerCase(), config.hCycles(), config.lCycles(), config.haltMaxSteps(), seconds,
                verify ? " (export + verification)" : " (not verified)");
        stdout.flush();
        return 0;
    }
}
