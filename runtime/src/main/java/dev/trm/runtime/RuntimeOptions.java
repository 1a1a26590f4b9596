package dev.trm.runtime;

/**
 * How to load a model.
 *
 * @param provider   CPU, CUDA or AUTO
 * @param threads    intra-op threads on the CPU (0: ONNX Runtime's default, one per core)
 * @param cudaDevice the GPU for CUDA
 */
public record RuntimeOptions(Provider provider, int threads, int cudaDevice) {
    public RuntimeOptions {
        if (provider == null) {
            throw new IllegalArgumentException("provider must be set");
        }
        if (threads < 0 || cudaDevice < 0) {
            throw new IllegalArgumentException("threads and CUDA device must be >= 0");
        }
    }

    public static RuntimeOptions cpu() {
        return new RuntimeOptions(Provider.CPU, 0, 0);
    }

    public RuntimeOptions withThreads(int n) {
        return new RuntimeOptions(provider, n, cudaDevice);
    }
}
