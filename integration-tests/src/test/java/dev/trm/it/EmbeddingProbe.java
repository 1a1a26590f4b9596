package dev.trm.it;

import dev.trm.runtime.Effort;
import dev.trm.runtime.HaltPolicy;
import dev.trm.runtime.ModelLoadException;
import dev.trm.runtime.RuntimeConfig;
import dev.trm.runtime.TrmModel;
import java.nio.file.Path;

/** An app that embeds the runtime jar, as small as one can be: load the model, solve one puzzle, print the answer. */
public final class EmbeddingProbe {
    private EmbeddingProbe() {
    }

    public static void main(String[] args) {
        try (TrmModel model = TrmModel.load(Path.of(args[0]), RuntimeConfig.cpu())) {
            System.out.println(model.solve(args[1], HaltPolicy.fixed(), Effort.plain()).answer());
        } catch (ModelLoadException e) {
            System.err.println("embedding probe: " + e.getMessage());
            System.exit(1);
        }
    }
}
