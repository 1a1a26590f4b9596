package dev.trm.serve;

import java.io.IOException;

/** Where the server reads a model's bytes, by name: at start and again on each reload. */
@FunctionalInterface
public interface ModelFiles {
    /**
     * The model's file, read now.
     *
     * @throws IOException when it cannot be read (a reload then keeps the model it has)
     */
    byte[] read(String name) throws IOException;

    /** Step files by name, each read with the runtime's checks (a regular ONNX file of a sane size). */
    static ModelFiles of(java.util.Map<String, java.nio.file.Path> files) {
        return name -> dev.trm.runtime.ModelLoader.read(files.get(name));
    }
}
