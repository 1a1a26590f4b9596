package dev.trm.runtime;

/**
 * The model file cannot be used: not ONNX, truncated, without this toolkit's metadata, of an
 * unsupported format version, or a provider that cannot load.
 */
public class ModelLoadException extends TrmRuntimeException {
    private static final long serialVersionUID = 1L;

    public ModelLoadException(String message) {
        super(message);
    }

    public ModelLoadException(String message, Throwable cause) {
        super(message, cause);
    }
}
