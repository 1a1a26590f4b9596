package dev.trm.runtime;

/** Where ONNX Runtime runs the step. */
public enum Provider {
    /** The CPU, with a configurable number of intra-op threads. */
    CPU,
    /** An NVIDIA GPU through the CUDA provider (needs the onnxruntime_gpu artifact and CUDA 12). */
    CUDA,
    /** CUDA when it loads, else the CPU with one log line saying why. */
    AUTO,
    /** XNNPACK, ONNX Runtime's mobile CPU kernels (in the Android build, not the desktop jars). */
    XNNPACK,
    /** NNAPI, Android's accelerator API (Android build only; falls back to the CPU per operator). */
    NNAPI;

    public static Provider parse(String name) {
        for (Provider p : values()) {
            if (p.name().equalsIgnoreCase(name)) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown provider '" + name + "' (cpu, cuda, auto, xnnpack, nnapi)");
    }
}
