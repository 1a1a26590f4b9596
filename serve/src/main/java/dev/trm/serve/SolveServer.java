package dev.trm.serve;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trm.runtime.RuntimeConfig;
import dev.trm.runtime.Solution;
import dev.trm.runtime.TrmModel;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The HTTP face of {@code trm serve}: {@code POST /v1/solve}, {@code GET /v1/models},
 * {@code POST /v1/models/{name}/reload}, the Open Inference Protocol v2 under {@code /v2}
 * ({@link OpenInference}), {@code /healthz}, {@code /readyz} and {@code /metrics}, on Netty
 * ({@link HttpFront}). Each model has one {@link Scheduler} whose batch every request shares, v1 and
 * v2 alike. With tokens, every {@code /v1} and {@code /v2} request but the probes needs one.
 *
 * <p>A request's deadline ({@code timeout_ms}) that passes answers 504 with the solutions that
 * finished in time (null for the others, which leave the batch at once); a caller that closes its
 * connection takes its puzzles out of the batch before the next step.
 */
public final class SolveServer implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(SolveServer.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PROMETHEUS_TYPE = "text/plain; version=0.0.4; charset=utf-8";
    /** How often a request retries on the new batch when a reload retired the one it found. */
    private static final int RESUBMITS = 3;
    /** How long a drain past its timeout waits for the requests it cut short to be answered (one step each). */
    private static final Duration CUT_SHORT_GRACE = Duration.ofSeconds(5);
    static final String GET = "GET";
    static final String POST = "POST";

    private final ServeConfig config;
    private final ServedModels models;
    private final ServeMetrics metrics;
    private final HttpFront front;
    private final PageAssets page = PageAssets.shared();
    /** The path after /v1/models/{name} that answers the model's file. */
    private static final String MODEL_FILE = "/onnx";
    private final OpenInferenceRoutes v2;
    private volatile boolean draining;

    private SolveServer(ServeConfig config, Function<ServeMetrics, ServedModels> models) throws IOException {
        config.checkExposure();
        this.config = config;
        this.metrics = new ServeMetrics();
        this.models = models.apply(metrics);
        this.v2 = new OpenInferenceRoutes(this.models, config, this::submit, () -> draining);
        try {
            this.front = new HttpFront(config, config.access().tls() == null ? null : config.access().tls().serverContext(), this::route,
                    config.access().accessLog() ? new AccessLog(System.err) : null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            this.models.close();
            throw new IOException("interrupted while binding " + config.host() + ":" + config.port(), e);
        } catch (RuntimeException e) {
            this.models.close();
            throw e;
        }
    }

    /**
     * Starts serving models the caller loaded (the first is the default of a request that names none).
     * They stay the caller's: {@link #close()} does not close them, and they cannot be reloaded.
     */
    public static SolveServer start(ServeConfig config, Map<String, TrmModel> models) throws IOException {
        return new SolveServer(config, metrics -> ServedModels.of(models, config, metrics));
    }

    /**
     * Starts serving models the server loads from their files (the first name is the default) and
     * can reload ({@link #reloadAll()}); they are the server's and {@link #close()} closes them.
     */
    public static SolveServer start(ServeConfig config, List<String> names, ModelFiles files, RuntimeConfig options) throws IOException {
        try {
            return new SolveServer(config, metrics -> {
                try {
                    return ServedModels.load(names, files, options, config, metrics);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
        } catch (java.io.UncheckedIOException e) {
            throw e.getCause();
        }
    }

    /** The address it listens on (with the port chosen when the config said 0). */
    public InetSocketAddress address() {
        return front.address();
    }

    /** A URL a client on this machine reaches it by. */
    public String url() {
        return config.url(address());
    }

    /**
     * Stops taking solve requests ({@code /readyz} fails, new ones get 503) and waits until those in
     * flight are answered, or the timeout; past it, each is answered at once as at its deadline (504
     * with the solutions that finished), so that no caller is left without an answer.
     *
     * @return whether all were answered in full before the timeout
     */
    public boolean drain(Duration timeout) throws InterruptedException {
        draining = true;
        long end = System.nanoTime() + timeout.toNanos();
        if (models.drain(timeout) && front.awaitAnswered(Duration.ofNanos(Math.max(0, end - System.nanoTime())))) {
            return true;
        }
        models.cutShort();
        models.drain(CUT_SHORT_GRACE);
        front.awaitAnswered(CUT_SHORT_GRACE);
        return false;
    }

    /**
     * GET /v1/models/{name}/onnx: the bytes the model was loaded from (the page's in-browser mode runs them),
     * with their SHA-256 as the ETag.
     */
    private Reply modelFile(String name) {
        ServedModels.Entry entry = models.get(name);
        if (entry == null) {
            throw new ApiError(ApiError.NOT_FOUND, "no model '" + name + "' (have " + models.entries().keySet() + ")");
        }
        ServedModel served = entry.served();
        if (served.file() == null) {
            throw new ApiError(ApiError.NOT_FOUND, "model '" + name + "' was handed to the server loaded: there is no file to send");
        }
        return new Reply(ApiError.OK, "application/octet-stream", Map.of("ETag", "\"" + served.sha256() + "\"", "Cache-Control", "no-cache"),
                served.file(), 0);
    }

    /** Reloads every model from its file (SIGHUP); each line says what happened to one model. */
    public List<String> reloadAll() {
        return models.reloadAll().stream().map(r -> r.name() + ": " + r.message()).toList();
    }

    @Override
    public void close() {
        draining = true;
        front.close();
        models.close();
    }

    private CompletableFuture<Reply> route(Call call) {
        long t0 = System.nanoTime();
        String path = call.path();
        boolean inference = path.equals("/v2") || path.startsWith("/v2/");
        try {
            authorize(call);
            if (inference) {
                return v2.route(call);
            }
            if (path.equals("/") || path.startsWith("/ui/")) {
                require(call, GET);
                return done(page.get(path));
            }
            if (path.startsWith("/v1/models/") && path.endsWith("/reload")) {
                require(call, POST);
                return done(reload(path.substring("/v1/models/".length(), path.length() - "/reload".length())));
            }
            if (path.startsWith("/v1/models/") && path.endsWith(MODEL_FILE)) {
                require(call, GET);
                return done(modelFile(path.substring("/v1/models/".length(), path.length() - MODEL_FILE.length())));
            }
            switch (path) {
                case "/v1/solve": require(call, POST); return solve(call);
                case "/v1/solve/stream": require(call, POST); return stream(call);
                case "/v1/models": require(call, GET); return done(Reply.json(ApiError.OK, ModelList.of(models.entries())));
                case "/healthz": require(call, GET); return done(Reply.json(ApiError.OK, JSON.createObjectNode().put("status", "ok")));
                case "/readyz": require(call, GET); return done(ready());
                case "/metrics": require(call, GET); return done(metrics());
                default: throw new ApiError(ApiError.NOT_FOUND, "no such path: " + path);
            }
        } catch (ApiError e) {
            if (path.startsWith("/v1/solve") || inference && path.endsWith("/infer")) { // refused before it was queued: counted here
                metrics.request(e.status, (System.nanoTime() - t0) / 1e9);
            }
            return done(inference ? OpenInference.error(e) : Reply.error(e));
        }
    }

    /** With tokens, every /v1 and /v2 path but the probes needs one; /metrics only when told. */
    private void authorize(Call call) {
        Tokens tokens = config.access().tokens();
        String path = call.path();
        boolean open = path.equals("/") || path.startsWith("/ui/") || path.equals("/healthz") || path.equals("/readyz") || path.startsWith("/v2/health/")
                || path.equals("/metrics") && !config.access().metricsNeedToken();
        if (tokens != null && !open && !tokens.accepts(call.header("Authorization"))) {
            throw new ApiError(ApiError.UNAUTHORIZED, call.header("Authorization") == null
                    ? "this server needs a token: send 'Authorization: Bearer TOKEN'" : "the token is not one this server accepts");
        }
    }

    static CompletableFuture<Reply> done(Reply reply) {
        return CompletableFuture.completedFuture(reply);
    }

    static void require(Call call, String allowed) {
        if (!call.method().equals(allowed)) {
            throw new ApiError(ApiError.METHOD_NOT_ALLOWED, call.method() + " is not allowed here: use " + allowed);
        }
    }

    private Reply ready() {
        ObjectNode body = JSON.createObjectNode().put("ready", !draining).put("draining", draining);
        body.putArray("models").addAll(models.entries().keySet().stream().map(body::textNode).toList());
        return Reply.json(draining ? ApiError.UNAVAILABLE : ApiError.OK, body);
    }

    private Reply metrics() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            metrics.write(out);
        } catch (IOException e) {
            throw new IllegalStateException("metrics could not be written to memory", e);
        }
        return new Reply(ApiError.OK, PROMETHEUS_TYPE, Map.of(), out.toByteArray(), 0);
    }

    private Reply reload(String name) {
        ServedModels.Reload r = models.reload(name);
        ObjectNode body = JSON.createObjectNode().put("model", r.name()).put("reloaded", r.loaded()).put("message", r.message());
        if (r.sha256() != null) {
            body.put("sha256", r.sha256());
        }
        return Reply.json(r.loaded() ? ApiError.OK : ApiError.CONFLICT, body);
    }

    private CompletableFuture<Reply> solve(Call call) {
        long t0 = System.nanoTime();
        SolveRequest request = SolveRequest.decode(call.body(), models.models(), config);
        return submit(call, request, t0, null).thenApply(outcome -> {
            Reply reply = Reply.json(outcome.deadlinePassed() ? ApiError.DEADLINE : ApiError.OK, request.answer(outcome));
            return reply.withPuzzles(request.puzzles().size());
        }).exceptionally(e -> Reply.error(apiError(e)));
    }

    /**
     * The step stream: the body of {@code /v1/solve}, answered as Server-Sent Events while the puzzles
     * think ({@link StepStream}). A body that fails its checks gets the plain 400 of {@code /v1/solve},
     * before any event.
     */
    private CompletableFuture<Reply> stream(Call call) {
        long t0 = System.nanoTime();
        SolveRequest request = SolveRequest.decode(call.body(), models.models(), config);
        StepStream events = new StepStream(request.puzzles().stream().map(q -> q.text()).toList());
        submit(call, request, t0, events).whenComplete((outcome, e) -> {
            if (e != null) {
                events.error(apiError(e));
            } else if (outcome.deadlinePassed()) {
                events.error(new ApiError(ApiError.DEADLINE, "the deadline of " + request.timeout().toMillis() + " ms passed: "
                        + outcome.finished() + " of " + request.puzzles().size() + " puzzles finished"));
            } else {
                events.done((int) outcome.solutions().stream().filter(Solution::solved).count());
            }
        });
        return done(Reply.stream(StepStream.TYPE, request.puzzles().size(), events));
    }

    /**
     * Queues a request's puzzles on its model's batch (again on the new batch if a reload retired the
     * one it found), takes them out if the caller leaves, and counts the answer.
     */
    CompletableFuture<Scheduler.Outcome> submit(Call call, SolveRequest request, long t0, Scheduler.Listener listener) {
        if (draining) {
            throw new ApiError(ApiError.UNAVAILABLE, "the server is shutting down");
        }
        Scheduler.Request queued = null;
        Scheduler scheduler = null;
        for (int attempt = 0; queued == null; attempt++) {
            scheduler = models.get(request.model()).scheduler();
            try {
                queued = scheduler.submit(request.puzzles(), request.config(), request.timeout(), listener);
            } catch (Scheduler.QueueFullException e) {
                throw new ApiError(ApiError.TOO_MANY, e.getMessage());
            } catch (Scheduler.ClosingException e) {
                if (draining || attempt == RESUBMITS) {
                    throw new ApiError(ApiError.UNAVAILABLE, e.getMessage());
                }
            }
        }
        Scheduler.Request r = queued;
        Scheduler s = scheduler;
        call.gone().thenRun(() -> s.cancel(r));
        return r.answer.whenComplete((outcome, e) -> {
            if (!(unwrap(e) instanceof Scheduler.CancelledException)) { // a caller who left is counted as cancelled, not answered
                metrics.request(e != null ? apiError(e).status : outcome.deadlinePassed() ? ApiError.DEADLINE : ApiError.OK,
                        (System.nanoTime() - t0) / 1e9);
            }
        });
    }

    private static Throwable unwrap(Throwable e) {
        return e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
    }

    /** What a failed answer says to the caller: the details of a failed step stay in the server's log. */
    static ApiError apiError(Throwable failure) {
        Throwable e = unwrap(failure);
        if (e instanceof ApiError a) {
            return a;
        }
        if (e instanceof Scheduler.ClosingException || e instanceof Scheduler.CancelledException) {
            return new ApiError(ApiError.UNAVAILABLE, e.getMessage());
        }
        LOG.log(Level.WARNING, "a step failed", e);
        return new ApiError(ApiError.FAILED, "the model failed on this request's batch (the server's log says why)");
    }

    /** Puzzles waiting to join a model's batch. */
    int queued(String model) {
        return models.get(model).scheduler().queued();
    }

    /** Lanes running in a model's batch. */
    int lanes(String model) {
        return models.get(model).scheduler().lanes();
    }
}
