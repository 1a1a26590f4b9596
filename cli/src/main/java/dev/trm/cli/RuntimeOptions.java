package dev.trm.cli;

import dev.trm.runtime.Provider;
import dev.trm.runtime.RuntimeConfig;
import picocli.CommandLine.Option;

/** The options of every command that runs an exported model: where it runs and how many puzzles go together. */
final class RuntimeOptions {
    @Option(names = "--provider", defaultValue = "auto",
            description = "cpu, cuda, auto (CUDA when a GPU is there, else the CPU), or in the Android build xnnpack or nnapi"
                    + " (default: ${DEFAULT-VALUE})")
    String provider;

    @Option(names = "--threads", defaultValue = "0", description = "intra-op threads on the CPU (default: ${DEFAULT-VALUE}, one per core)")
    int threads;

    @Option(names = "--batch", defaultValue = "32", description = "puzzles run together (default: ${DEFAULT-VALUE})")
    int batch;

    @Option(names = "--spin", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "idle intra-op threads spin waiting for work (ONNX Runtime's default); --no-spin lets them sleep")
    boolean spin;

    /** The checked runtime options (one place for all commands). */
    RuntimeConfig options() {
        return RuntimeConfig.cpu().withProvider(Provider.parse(provider)).withThreads(threads).withSpinning(spin);
    }

    /** The checked batch size. */
    int batch() {
        if (batch < 1) {
            throw new IllegalArgumentException("--batch must be at least 1, got " + batch);
        }
        return batch;
    }

    /** Checks every option now, so a bad one is an error even where it would not be used. */
    void validate() {
        options();
        batch();
    }
}
