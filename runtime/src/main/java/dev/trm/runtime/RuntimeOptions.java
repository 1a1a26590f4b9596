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
        int most = maxThreads();
        if (threads < 0 || threads > most) {
            throw new IllegalArgumentException("threads must lie in 0 (one per core) .. " + most + " (" + THREADS_PER_CORE
                    + " per core of this machine), got " + threads);
        }
        if (cudaDevice < 0) {
            throw new IllegalArgumentException("the CUDA device must be >= 0, got " + cudaDevice);
        }
    }

    /** Intra-op threads allowed per core: more only makes the threads wait for each other (thousands hang the machine). */
    public static final int THREADS_PER_CORE = 4;

    /** The most intra-op threads this machine allows. */
    public static int maxThreads() {
        return THREADS_PER_CORE * Runtime.getRuntime().availableProcessors();
    }

    public static RuntimeOptions cpu() {
        return new RuntimeOptions(Provider.CPU, 0, 0);
    }

    public RuntimeOptions withThreads(int n) {
        return new RuntimeOptions(provider, n, cudaDevice);
    }
}
