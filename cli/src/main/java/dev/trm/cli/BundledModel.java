package dev.trm.cli;

import dev.trm.runtime.ModelLoadException;
import dev.trm.runtime.RuntimeConfig;
import dev.trm.runtime.TrmModel;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;

/**
 * The model that ships inside the {@code trm} jar ({@code models/sudoku-default.onnx} of the source
 * tree), used when a command is given no {@code --model}.
 */
final class BundledModel {
    static final String NAME = "sudoku-default";
    static final String RESOURCE = "/dev/trm/models/" + NAME + ".onnx";

    private BundledModel() {
    }

    /** The given model file, or the bundled one. */
    static TrmModel load(Path file, RuntimeConfig options) {
        if (file != null) {
            return TrmModel.load(file, options);
        }
        try (InputStream in = BundledModel.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new ModelLoadException("this build of trm has no bundled model (" + RESOURCE + "); give --model");
            }
            return TrmModel.load(in, options);
        } catch (IOException e) {
            throw new ModelLoadException("the bundled model cannot be read: " + e.getMessage(), e);
        }
    }

    /** The bundled model's bytes. */
    static byte[] bytes() throws IOException {
        try (InputStream in = BundledModel.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new ModelLoadException("this build of trm has no bundled model (" + RESOURCE + "); give --model");
            }
            return in.readAllBytes();
        }
    }

    /** How a command names the model it runs. */
    static String describe(Path file) {
        return file != null ? file.toString() : "the bundled " + NAME + " model";
    }
}
