package dev.trm.runtime;

/**
 * How to load a model.
 *
 * @param provider   CPU, CUDA, AUTO, or on Android XNNPACK or NNAPI
 * @param threads    intra-op threads on the CPU (0: ONNX Runtime's default, one per core)
 * @param cudaDevice the GPU for CUDA
 * @param spinning   whether idle intra-op threads spin waiting for work (ONNX Runtime's default): a little
 *                   faster between steps, but the cores stay busy; off on phones
 */
public record RuntimeConfig(Provider provider, int threads, int cudaDevice, boolean spinning) {
    public RuntimeConfig(Provider provider, int threads, int cudaDevice) {
        this(provider, threads, cudaDevice, true);
    }

    public RuntimeConfig {
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

    public static RuntimeConfig cpu() {
        return new RuntimeConfig(Provider.CPU, 0, 0);
    }

    /**
     * Settings for a phone: the CPU provider on at most {@link #PHONE_THREADS} threads (the big cores of
     * most phones), threads that sleep between steps instead of spinning.
     */
    public static RuntimeConfig phone() {
        return new RuntimeConfig(Provider.CPU, Math.min(PHONE_THREADS, Runtime.getRuntime().availableProcessors()), 0, false);
    }

    /** Intra-op threads of {@link #phone()} at most. */
    public static final int PHONE_THREADS = 4;

    public RuntimeConfig withThreads(int n) {
        return new RuntimeConfig(provider, n, cudaDevice, spinning);
    }

    public RuntimeConfig withProvider(Provider p) {
        return new RuntimeConfig(p, threads, cudaDevice, spinning);
    }

    public RuntimeConfig withSpinning(boolean on) {
        return new RuntimeConfig(provider, threads, cudaDevice, on);
    }
}
