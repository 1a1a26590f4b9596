package dev.trm.runtime;

/** Where ONNX Runtime runs the step. */
public enum Provider {
    /** The CPU, with a configurable number of intra-op threads. */
    CPU,
    /** An NVIDIA GPU through the CUDA provider (needs the onnxruntime_gpu artifact and CUDA 12). */
    CUDA,
    /** CUDA when it loads, else the CPU with one log line saying why. */
    AUTO;

    public static Provider parse(String name) {
        for (Provider p : values()) {
            if (p.name().equalsIgnoreCase(name)) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown provider '" + name + "' (cpu, cuda, auto)");
    }
}
