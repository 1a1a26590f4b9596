package dev.trm.serve;

import java.time.Duration;

/**
 * How {@code trm serve} listens and batches.
 *
 * @param host           the address to bind (loopback by default)
 * @param port           the port, 0 for a free one
 * @param maxBatch       lanes (puzzle copies) one model's step may run; 1 is the naive one-puzzle-at-a-time baseline
 * @param maxQueue       puzzles that may wait for the batch, over all requests; a request that would pass it gets 429
 * @param maxBodyBytes   the largest request body; a larger one gets 413
 * @param timeout        a request's deadline when it names none ({@code timeout_ms})
 * @param httpThreads    threads that read requests and wait for their answers
 * @param maxRequestSize puzzles one request may carry
 */
public record ServeConfig(String host, int port, int maxBatch, int maxQueue, int maxBodyBytes, Duration timeout, int httpThreads,
                          int maxRequestSize) {
    public static final String LOOPBACK = "127.0.0.1";
    public static final int DEFAULT_PORT = 8080;
    public static final int DEFAULT_MAX_BATCH = 32;
    public static final int DEFAULT_MAX_QUEUE = 4096;
    public static final int DEFAULT_MAX_BODY_BYTES = 1 << 20;
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);
    public static final int DEFAULT_HTTP_THREADS = 128;
    public static final int DEFAULT_MAX_REQUEST_SIZE = 1024;

    public ServeConfig {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("host: required");
        }
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port: 0 to 65535, got " + port);
        }
        positive("max batch", maxBatch);
        positive("max queue", maxQueue);
        positive("max body bytes", maxBodyBytes);
        positive("http threads", httpThreads);
        positive("max request size", maxRequestSize);
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout: must be positive, got " + timeout);
        }
        if (maxRequestSize > maxQueue) {
            throw new IllegalArgumentException("max request size (" + maxRequestSize + ") is larger than the queue (" + maxQueue
                    + "): such a request could never be queued");
        }
    }

    private static void positive(String what, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(what + ": must be at least 1, got " + value);
        }
    }

    /** Loopback, port 8080, and the defaults above. */
    public static ServeConfig defaults() {
        return new ServeConfig(LOOPBACK, DEFAULT_PORT, DEFAULT_MAX_BATCH, DEFAULT_MAX_QUEUE, DEFAULT_MAX_BODY_BYTES, DEFAULT_TIMEOUT,
                DEFAULT_HTTP_THREADS, DEFAULT_MAX_REQUEST_SIZE);
    }

    public ServeConfig withPort(int p) {
        return new ServeConfig(host, p, maxBatch, maxQueue, maxBodyBytes, timeout, httpThreads, maxRequestSize);
    }

    public ServeConfig withHost(String h) {
        return new ServeConfig(h, port, maxBatch, maxQueue, maxBodyBytes, timeout, httpThreads, maxRequestSize);
    }

    public ServeConfig withMaxBatch(int b) {
        return new ServeConfig(host, port, b, maxQueue, maxBodyBytes, timeout, httpThreads, maxRequestSize);
    }

    public ServeConfig withMaxQueue(int q) {
        return new ServeConfig(host, port, maxBatch, q, maxBodyBytes, timeout, httpThreads, Math.min(maxRequestSize, q));
    }

    public ServeConfig withMaxBodyBytes(int bytes) {
        return new ServeConfig(host, port, maxBatch, maxQueue, bytes, timeout, httpThreads, maxRequestSize);
    }

    public ServeConfig withTimeout(Duration t) {
        return new ServeConfig(host, port, maxBatch, maxQueue, maxBodyBytes, t, httpThreads, maxRequestSize);
    }

    public ServeConfig withHttpThreads(int n) {
        return new ServeConfig(host, port, maxBatch, maxQueue, maxBodyBytes, timeout, n, maxRequestSize);
    }

    /**
     * A URL a client on this machine can use for a server bound to {@code bound}: the address (an IPv6
     * one in brackets), or for a wildcard bind (0.0.0.0, ::), which listens on every address, loopback.
     */
    public static String url(java.net.InetSocketAddress bound) {
        java.net.InetAddress a = bound.getAddress();
        String host = a.isAnyLocalAddress() ? LOOPBACK
                : a instanceof java.net.Inet6Address ? "[" + a.getHostAddress().replaceFirst("%.*", "") + "]" : a.getHostAddress();
        return "http://" + host + ":" + bound.getPort();
    }
}
