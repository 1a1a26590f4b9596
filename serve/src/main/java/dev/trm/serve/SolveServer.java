package dev.trm.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.trm.runtime.Question;
import dev.trm.runtime.SolveConfig;
import dev.trm.runtime.TrmModel;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The HTTP face of {@code trm serve}, on the JDK's own HTTP server behind a small router:
 * {@code POST /v1/solve}, {@code GET /v1/models}, {@code /healthz}, {@code /readyz} and
 * {@code /metrics}. Each model has one {@link Scheduler} whose batch every request shares.
 *
 * <p>A request's deadline ({@code timeout_ms}) that passes answers 504 with the solutions that
 * finished in time (null for the others, which leave the batch at once).
 */
public final class SolveServer implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(SolveServer.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String JSON_TYPE = "application/json";
    private static final String PROMETHEUS_TYPE = "text/plain; version=0.0.4; charset=utf-8";
    /** Seconds a refused caller is told to wait ({@code Retry-After}). */
    private static final String RETRY_AFTER_SECONDS = "1";
    private static final int OK = 200;
    /** Connections the listening socket may hold before they are accepted. */
    private static final int BACKLOG = 1024;
    /** Seconds {@link #close()} lets answers already being written finish. */
    private static final int STOP_GRACE_SECONDS = 1;

    private final ServeConfig config;
    private final Map<String, Scheduler> schedulers = new LinkedHashMap<>();
    /** The models served, by name, the default first. */
    private final Map<String, TrmModel> models;
    private final ServeMetrics metrics = new ServeMetrics();
    private final HttpServer http;
    private final ExecutorService handlers;
    private volatile boolean draining;

    /**
     * The JDK server's switch for TCP_NODELAY on accepted connections (read once, when its first
     * server starts). Without it an answer's headers and body leave in two segments and a keep-alive
     * client's delayed ACK holds the second for about 40 ms: measured, a one-step solve took 68 ms at
     * the median instead of 28 under wrk.
     */
    private static final String NODELAY = "sun.net.httpserver.nodelay";
    /**
     * The JDK server's bound on idle keep-alive connections (200 by default): past it, a connection
     * that goes idle is closed, and a client that then reuses it sees a reset. Raised so that every
     * caller's connection can wait between its requests (measured: 33 read errors of 2,095 requests
     * from 256 connections before).
     */
    private static final String MAX_IDLE_CONNECTIONS = "sun.net.httpserver.maxIdleConnections";
    private static final String IDLE_CONNECTIONS_ALLOWED = "65536";

    private SolveServer(ServeConfig config, Map<String, TrmModel> models) throws IOException {
        if (System.getProperty(NODELAY) == null) {
            System.setProperty(NODELAY, "true");
        }
        if (System.getProperty(MAX_IDLE_CONNECTIONS) == null) {
            System.setProperty(MAX_IDLE_CONNECTIONS, IDLE_CONNECTIONS_ALLOWED);
        }
        if (models.isEmpty()) {
            throw new IllegalArgumentException("no model to serve");
        }
        this.config = config;
        this.models = new LinkedHashMap<>(models);
        models.forEach((name, model) -> schedulers.put(name, new Scheduler(name, model, config.maxBatch(), config.maxQueue(), metrics)));
        this.handlers = Executors.newFixedThreadPool(config.httpThreads(), daemonThreads());
        this.http = HttpServer.create(new InetSocketAddress(config.host(), config.port()), BACKLOG);
        http.setExecutor(handlers);
        http.createContext("/", this::route);
        http.start();
    }

    /**
     * Starts serving the models (the first is the default of a request that names none). The models
     * stay the caller's: {@link #close()} does not close them.
     */
    public static SolveServer start(ServeConfig config, Map<String, TrmModel> models) throws IOException {
        return new SolveServer(config, models);
    }

    /** The address it listens on (with the port chosen when the config said 0). */
    public InetSocketAddress address() {
        return http.getAddress();
    }

    /**
     * Stops taking solve requests ({@code /readyz} fails, new ones get 503) and waits until those in
     * flight are answered, or the timeout.
     *
     * @return whether all were answered in time
     */
    public boolean drain(Duration timeout) throws InterruptedException {
        draining = true;
        long end = System.nanoTime() + timeout.toNanos();
        boolean all = true;
        for (Scheduler s : schedulers.values()) {
            all &= s.drain(Duration.ofNanos(Math.max(0, end - System.nanoTime())));
        }
        return all;
    }

    @Override
    public void close() {
        draining = true;
        http.stop(STOP_GRACE_SECONDS);
        schedulers.values().forEach(Scheduler::close);
        handlers.shutdownNow();
    }

    private void route(HttpExchange ex) throws IOException {
        try (ex) {
            String path = ex.getRequestURI().getPath();
            String method = ex.getRequestMethod();
            try {
                switch (path) {
                    case "/v1/solve": requireMethod(method, "POST"); solve(ex); break;
                    case "/v1/models": requireMethod(method, "GET"); send(ex, OK, ModelList.of(schedulers)); break;
                    case "/healthz": requireMethod(method, "GET"); send(ex, OK, JSON.createObjectNode().put("status", "ok")); break;
                    case "/readyz": requireMethod(method, "GET"); ready(ex); break;
                    case "/metrics": requireMethod(method, "GET"); metrics(ex); break;
                    default: throw new ApiError(ApiError.NOT_FOUND, "no such path: " + path);
                }
            } catch (ApiError e) {
                sendError(ex, e);
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.FINE, "an answer could not be written (the caller left?)", e);
        }
    }

    private static void requireMethod(String method, String allowed) {
        if (!method.equals(allowed)) {
            throw new ApiError(ApiError.METHOD_NOT_ALLOWED, method + " is not allowed here: use " + allowed);
        }
    }

    private void ready(HttpExchange ex) throws IOException {
        ObjectNode body = JSON.createObjectNode().put("ready", !draining).put("draining", draining);
        body.putArray("models").addAll(schedulers.keySet().stream().map(body::textNode).toList());
        send(ex, draining ? ApiError.UNAVAILABLE : OK, body);
    }

    private void metrics(HttpExchange ex) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        metrics.write(out);
        ex.getResponseHeaders().set("Content-Type", PROMETHEUS_TYPE);
        ex.sendResponseHeaders(OK, out.size());
        try (OutputStream body = ex.getResponseBody()) {
            out.writeTo(body);
        }
    }

    private void solve(HttpExchange ex) throws IOException {
        long t0 = System.nanoTime();
        int status = OK;
        try {
            if (draining) {
                throw new ApiError(ApiError.UNAVAILABLE, "the server is shutting down");
            }
            SolveRequest request = SolveRequest.decode(readBody(ex), models, config);
            Scheduler.Outcome outcome = await(schedulers.get(request.model()), request.puzzles(), request.config(), request.timeout());
            status = outcome.deadlinePassed() ? ApiError.DEADLINE : OK;
            send(ex, status, request.answer(outcome));
        } catch (ApiError e) {
            status = e.status;
            sendError(ex, e);
        } catch (RuntimeException e) { // a caller always gets an answer, and the counters count it
            LOG.log(Level.WARNING, "a solve request failed", e);
            status = ApiError.FAILED;
            sendError(ex, new ApiError(status, "the server failed on this request (its log says why)"));
        } finally {
            metrics.request(status, (System.nanoTime() - t0) / 1e9);
        }
    }

    private static Scheduler.Outcome await(Scheduler scheduler, List<Question> puzzles, SolveConfig spec, Duration timeout) {
        Scheduler.Request request;
        try {
            request = scheduler.submit(puzzles, spec, timeout);
        } catch (Scheduler.QueueFullException e) {
            throw new ApiError(ApiError.TOO_MANY, e.getMessage());
        } catch (Scheduler.ClosingException e) {
            throw new ApiError(ApiError.UNAVAILABLE, e.getMessage());
        }
        try {
            return request.answer.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiError(ApiError.UNAVAILABLE, "the server is shutting down");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Scheduler.ClosingException) {
                throw new ApiError(ApiError.UNAVAILABLE, e.getCause().getMessage());
            }
            LOG.log(Level.WARNING, "a step failed", e.getCause()); // the details (ONNX Runtime's own) stay in the server's log
            throw new ApiError(ApiError.FAILED, "the model failed on this request's batch (the server's log says why)");
        }
    }

    /** The body's bytes, refused past the size limit. */
    private byte[] readBody(HttpExchange ex) throws IOException {
        String length = ex.getRequestHeaders().getFirst("Content-Length");
        if (length != null) {
            try {
                if (Long.parseLong(length.trim()) > config.maxBodyBytes()) {
                    throw tooLarge();
                }
            } catch (NumberFormatException e) {
                throw new ApiError(ApiError.BAD_REQUEST, "Content-Length is not a number: '" + length + "'");
            }
        }
        byte[] bytes;
        try (InputStream in = ex.getRequestBody()) {
            bytes = in.readNBytes(config.maxBodyBytes() + 1);
        }
        if (bytes.length > config.maxBodyBytes()) {
            throw tooLarge();
        }
        return bytes;
    }

    private ApiError tooLarge() {
        return new ApiError(ApiError.TOO_LARGE, "the body is larger than " + config.maxBodyBytes() + " bytes");
    }

    private static void sendError(HttpExchange ex, ApiError e) throws IOException {
        ObjectNode body = JSON.createObjectNode().put("error", e.getMessage());
        if (e.index != null) {
            body.put("index", e.index);
        }
        if (e.status == ApiError.TOO_MANY || e.status == ApiError.UNAVAILABLE) {
            ex.getResponseHeaders().set("Retry-After", RETRY_AFTER_SECONDS);
        }
        send(ex, e.status, body);
    }

    private static void send(HttpExchange ex, int status, JsonNode body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        ex.getResponseHeaders().set("Content-Type", JSON_TYPE);
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static ThreadFactory daemonThreads() {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, "trm-http-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /** Puzzles waiting to join a model's batch. */
    int queued(String model) {
        return schedulers.get(model).queued();
    }

    /** Lanes running in a model's batch. */
    int lanes(String model) {
        return schedulers.get(model).lanes();
    }
}
