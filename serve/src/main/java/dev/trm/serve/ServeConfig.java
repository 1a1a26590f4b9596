package dev.trm.serve;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;

/**
 * How {@code trm serve} listens, whom it answers and how it batches. Build one by name:
 * {@code ServeConfig.defaults().withPort(0).withMaxBatch(16)}.
 *
 * @param host           the address to bind (loopback by default)
 * @param port           the port, 0 for a free one
 * @param maxBatch       lanes (puzzle copies) one model's step may run; 1 is the naive one-puzzle-at-a-time baseline
 * @param maxQueue       puzzles that may wait for the batch, over all requests; a request that would pass it gets 429
 * @param maxBodyBytes   the largest request body; a larger one gets 413
 * @param timeout        a request's deadline when it names none ({@code timeout_ms})
 * @param httpThreads    event-loop threads that read requests and write answers (no thread waits for a step)
 * @param maxRequestSize puzzles one request may carry
 * @param access         who may call (tokens), over what (TLS), and what is logged
 * @param readTimeout    time a caller has to send a whole request once its first byte arrived; past it 408 and the connection closes
 * @param idleTimeout    a kept-alive connection with no request in flight closes after this long
 * @param maxConnections connections open at once, over all callers; past it a new one is closed at once
 * @param limits         what one request may ask for: copies, steps, deadline
 */
public record ServeConfig(String host, int port, int maxBatch, int maxQueue, int maxBodyBytes, Duration timeout, int httpThreads,
                          int maxRequestSize, Access access, Duration readTimeout, Duration idleTimeout, int maxConnections,
                          Limits limits) {
    public static final String LOOPBACK = "127.0.0.1";
    public static final int DEFAULT_PORT = 8080;
    public static final int DEFAULT_MAX_BATCH = 32;
    public static final int DEFAULT_MAX_QUEUE = 4096;
    public static final int DEFAULT_MAX_BODY_BYTES = 1 << 20;
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);
    public static final int DEFAULT_HTTP_THREADS = 2;
    public static final int DEFAULT_MAX_REQUEST_SIZE = 1024;
    public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(120);
    public static final int DEFAULT_MAX_CONNECTIONS = 4096;

    /**
     * What one request may ask for, so that no caller can take the server's memory or its lanes for
     * hours: a request past a limit gets 400 naming it.
     *
     * @param maxCopies       copies of one puzzle (lanes) any stage of its effort may run; the {@code max} preset runs 32
     * @param maxStepsPerCopy supervision steps one copy may take; the {@code max} preset gives 4 N_sup (64 for the default model)
     * @param maxTimeout      the longest deadline ({@code timeout_ms}) a request may set
     */
    public record Limits(int maxCopies, int maxStepsPerCopy, Duration maxTimeout) {
        public static final int DEFAULT_MAX_COPIES = 32;
        public static final int DEFAULT_MAX_STEPS_PER_COPY = 1024;
        public static final Duration DEFAULT_MAX_TIMEOUT = Duration.ofMinutes(10);

        public Limits {
            positive("max copies", maxCopies);
            positive("max steps per copy", maxStepsPerCopy);
            positive("max timeout", maxTimeout);
        }

        public static Limits defaults() {
            return new Limits(DEFAULT_MAX_COPIES, DEFAULT_MAX_STEPS_PER_COPY, DEFAULT_MAX_TIMEOUT);
        }
    }

    /**
     * Who may call and how the server is reached.
     *
     * @param tokens               bearer tokens every {@code /v1} and {@code /v2} request must carry; null: none needed
     * @param tls                  the certificate chain and key to speak TLS with; null: plain HTTP
     * @param allowUnauthenticated bind an address other than loopback without tokens, on purpose
     * @param metricsNeedToken     {@code /metrics} needs a token too (it is open by default, for scrapers)
     * @param accessLog            one JSON line per request on standard error
     */
    public record Access(Tokens tokens, TlsFiles tls, boolean allowUnauthenticated, boolean metricsNeedToken, boolean accessLog) {
        /** Loopback's defaults: no tokens, plain HTTP, the access log on. */
        public static Access open() {
            return new Access(null, null, false, false, true);
        }

        public Access withTokens(Tokens t) {
            return new Access(t, tls, allowUnauthenticated, metricsNeedToken, accessLog);
        }

        public Access withTls(TlsFiles files) {
            return new Access(tokens, files, allowUnauthenticated, metricsNeedToken, accessLog);
        }

        public Access withAllowUnauthenticated(boolean allow) {
            return new Access(tokens, tls, allow, metricsNeedToken, accessLog);
        }

        public Access withMetricsNeedToken(boolean need) {
            return new Access(tokens, tls, allowUnauthenticated, need, accessLog);
        }

        public Access withAccessLog(boolean on) {
            return new Access(tokens, tls, allowUnauthenticated, metricsNeedToken, on);
        }
    }

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
        positive("max connections", maxConnections);
        positive("timeout", timeout);
        positive("read timeout", readTimeout);
        positive("idle timeout", idleTimeout);
        if (limits == null) {
            throw new IllegalArgumentException("limits: required (Limits.defaults())");
        }
        if (limits.maxTimeout().compareTo(timeout) < 0) {
            throw new IllegalArgumentException("the default timeout (" + timeout.toMillis() + " ms) is longer than the longest a request may ask ("
                    + limits.maxTimeout().toMillis() + " ms)");
        }
        if (access == null) {
            throw new IllegalArgumentException("access: required (Access.open() for loopback's defaults)");
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

    private static void positive(String what, Duration value) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(what + ": must be positive, got " + value);
        }
    }

    /** Loopback, port 8080, and the defaults above. */
    public static ServeConfig defaults() {
        return new ServeConfig(LOOPBACK, DEFAULT_PORT, DEFAULT_MAX_BATCH, DEFAULT_MAX_QUEUE, DEFAULT_MAX_BODY_BYTES, DEFAULT_TIMEOUT,
                DEFAULT_HTTP_THREADS, DEFAULT_MAX_REQUEST_SIZE, Access.open(), DEFAULT_READ_TIMEOUT, DEFAULT_IDLE_TIMEOUT,
                DEFAULT_MAX_CONNECTIONS,
                Limits.defaults());
    }

    /** The fields of a config being changed by name; {@link #with} builds (and so checks) the new one. */
    private static final class Draft {
        String host;
        int port;
        int maxBatch;
        int maxQueue;
        int maxBodyBytes;
        Duration timeout;
        int httpThreads;
        int maxRequestSize;
        Access access;
        Duration readTimeout;
        Duration idleTimeout;
        int maxConnections;
        Limits limits;

        Draft(ServeConfig c) {
            host = c.host;
            port = c.port;
            maxBatch = c.maxBatch;
            maxQueue = c.maxQueue;
            maxBodyBytes = c.maxBodyBytes;
            timeout = c.timeout;
            httpThreads = c.httpThreads;
            maxRequestSize = c.maxRequestSize;
            access = c.access;
            readTimeout = c.readTimeout;
            idleTimeout = c.idleTimeout;
            maxConnections = c.maxConnections;
            limits = c.limits;
        }

        ServeConfig build() {
            return new ServeConfig(host, port, maxBatch, maxQueue, maxBodyBytes, timeout, httpThreads, maxRequestSize, access,
                    readTimeout, idleTimeout, maxConnections, limits);
        }
    }

    /** This config with the fields {@code change} sets. */
    private ServeConfig with(java.util.function.Consumer<Draft> change) {
        Draft d = new Draft(this);
        change.accept(d);
        return d.build();
    }

    public ServeConfig withPort(int p) {
        return with(d -> d.port = p);
    }

    public ServeConfig withHost(String h) {
        return with(d -> d.host = h);
    }

    public ServeConfig withMaxBatch(int b) {
        return with(d -> d.maxBatch = b);
    }

    public ServeConfig withMaxQueue(int q) {
        return with(d -> {
            d.maxQueue = q;
            d.maxRequestSize = Math.min(maxRequestSize, q);
        });
    }

    public ServeConfig withMaxBodyBytes(int bytes) {
        return with(d -> d.maxBodyBytes = bytes);
    }

    public ServeConfig withTimeout(Duration t) {
        return with(d -> d.timeout = t);
    }

    public ServeConfig withHttpThreads(int n) {
        return with(d -> d.httpThreads = n);
    }

    public ServeConfig withAccess(Access a) {
        return with(d -> d.access = a);
    }

    public ServeConfig withLimits(Limits l) {
        return with(d -> d.limits = l);
    }

    public ServeConfig withReadTimeout(Duration t) {
        return with(d -> d.readTimeout = t);
    }

    public ServeConfig withMaxConnections(int n) {
        return with(d -> d.maxConnections = n);
    }

    /**
     * Refuses to listen beyond this machine with nobody checked: an address other than loopback needs
     * tokens, or {@link Access#allowUnauthenticated()} said on purpose.
     *
     * @throws IllegalArgumentException naming the flags
     */
    public void checkExposure() {
        InetAddress address;
        try {
            address = InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("--host: '" + host + "' is not an address of this machine or a name that resolves");
        }
        if (access.tokens() != null || access.allowUnauthenticated()) {
            return;
        }
        if (!address.isLoopbackAddress()) {
            throw new IllegalArgumentException("--host " + host + " is reachable from other machines, and without --token-file anyone"
                    + " who reaches the port can spend its CPU: give --token-file FILE (and --tls-cert/--tls-key), or"
                    + " --allow-unauthenticated to serve it open on purpose");
        }
    }

    /**
     * A URL a client on this machine can use for a server bound to {@code bound}: the address (an IPv6
     * one in brackets), or for a wildcard bind (0.0.0.0, ::), which listens on every address, loopback.
     */
    public String url(InetSocketAddress bound) {
        InetAddress a = bound.getAddress();
        String h = a.isAnyLocalAddress() ? LOOPBACK
                : a instanceof Inet6Address ? "[" + a.getHostAddress().replaceFirst("%.*", "") + "]" : a.getHostAddress();
        return (access.tls() != null ? "https" : "http") + "://" + h + ":" + bound.getPort();
    }
}
