package dev.trm.cli;

import dev.trm.train.Checkpoint;
import java.util.Map;
import picocli.CommandLine.Option;

/** Which weights of a checkpoint eval and export use: the one --[no-]ema option. */
final class WeightsChoice {
    @Option(names = "--ema", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "from a checkpoint: the EMA of the weights (default), or with --no-ema the trained weights themselves")
    boolean ema;

    Map<String, float[]> values(Checkpoint c) {
        return c.values(ema);
    }

    /** For the export's metadata ({@code trm.weights}). */
    String describe() {
        return ema ? "ema" : "trained";
    }
}
