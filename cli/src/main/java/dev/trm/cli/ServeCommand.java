package dev.trm.cli;

import dev.trm.runtime.ModelLoader;
import dev.trm.runtime.Provider;
import dev.trm.runtime.RuntimeConfig;
import dev.trm.serve.ServeConfig;
import dev.trm.serve.SolveServer;
import dev.trm.serve.TlsFiles;
import dev.trm.serve.Tokens;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.LinkedBlockingQueue;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import sun.misc.Signal;

/**
 * {@code trm serve}: models behind HTTP, the puzzles of all callers batched together (see
 * {@link SolveServer}). SIGTERM or SIGINT drains: no new requests, those in flight are answered
 * (up to {@code --drain-timeout}), then exit 0. SIGHUP reloads every model from its file.
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Serve models over HTTP (POST /v1/solve, GET /v1/models, the Open Inference Protocol v2 under /v2, /healthz,"
                + " /readyz, /metrics), batching the puzzles of all callers into shared steps. Prints 'listening on URL' once ready;"
                + " SIGTERM drains and exits 0; SIGHUP reloads the models from their files.")
final class ServeCommand implements Callable<Integer> {
    /** The exit code when a drain ran out of time and answered requests short (504). */
    static final int DRAIN_CUT_SHORT = 3;

    @Option(names = {"-m", "--model"}, paramLabel = "NAME=FILE",
            description = "a model to serve, by name (repeatable; the first is the default). None: the bundled model as '"
                    + BundledModel.NAME + "'")
    List<String> models = new ArrayList<>();

    @Option(names = "--host", defaultValue = ServeConfig.LOOPBACK, description = "address to bind (default: ${DEFAULT-VALUE})")
    String host;

    @Option(names = "--port", defaultValue = "" + ServeConfig.DEFAULT_PORT, description = "port; 0 picks a free one (default: ${DEFAULT-VALUE})")
    int port;

    @Option(names = "--max-batch", defaultValue = "" + ServeConfig.DEFAULT_MAX_BATCH,
            description = "lanes (puzzle copies) per step of a model; 1 runs one puzzle at a time (default: ${DEFAULT-VALUE})")
    int maxBatch;

    @Option(names = "--max-queue", defaultValue = "" + ServeConfig.DEFAULT_MAX_QUEUE,
            description = "puzzles that may wait for the batch; past it requests get 429 (default: ${DEFAULT-VALUE})")
    int maxQueue;

    @Option(names = "--timeout", defaultValue = "60000",
            description = "a request's deadline in ms when it gives no timeout_ms (default: ${DEFAULT-VALUE})")
    long timeoutMs;

    @Option(names = "--drain-timeout", defaultValue = "30", description = "seconds to finish requests in flight on SIGTERM (default: ${DEFAULT-VALUE})")
    long drainSeconds;

    @Option(names = "--http-threads", defaultValue = "" + ServeConfig.DEFAULT_HTTP_THREADS,
            description = "event-loop threads reading requests and writing answers (default: ${DEFAULT-VALUE})")
    int httpThreads;

    @Option(names = "--max-copies", defaultValue = "" + ServeConfig.Limits.DEFAULT_MAX_COPIES,
            description = "copies of one puzzle a request's effort may run at once (default: ${DEFAULT-VALUE})")
    int maxCopies;

    @Option(names = "--max-steps", defaultValue = "" + ServeConfig.Limits.DEFAULT_MAX_STEPS_PER_COPY,
            description = "supervision steps one copy may take (default: ${DEFAULT-VALUE})")
    int maxSteps;

    @Option(names = "--max-timeout", defaultValue = "600000",
            description = "the longest timeout_ms a request may ask for, in ms (default: ${DEFAULT-VALUE})")
    long maxTimeoutMs;

    @Option(names = "--token-file", paramLabel = "FILE",
            description = "bearer tokens, one per line (# comments): every /v1 and /v2 request but the probes needs 'Authorization: Bearer TOKEN'")
    Path tokenFile;

    @Option(names = "--allow-unauthenticated", description = "serve an address other than loopback without --token-file, on purpose")
    boolean allowUnauthenticated;

    @Option(names = "--metrics-need-token", description = "/metrics needs a token too (open by default, for scrapers)")
    boolean metricsNeedToken;

    @Option(names = "--tls-cert", paramLabel = "PEM", description = "speak TLS (1.2, 1.3) with this certificate chain, leaf first")
    Path tlsCert;

    @Option(names = "--tls-key", paramLabel = "PEM", description = "the certificate's private key: PKCS#8, PKCS#1 RSA or EC, unencrypted")
    Path tlsKey;

    @Option(names = "--access-log", defaultValue = "on", paramLabel = "on|off",
            description = "one JSON line per request on standard error (default: ${DEFAULT-VALUE})")
    String accessLog;

    @Option(names = "--provider", defaultValue = "auto", description = "cpu, cuda or auto (default: ${DEFAULT-VALUE})")
    String provider;

    @Option(names = "--threads", defaultValue = "0", description = "intra-op threads per model (default: ${DEFAULT-VALUE}, one per core)")
    int threads;

    @Option(names = "--spin", description = "let idle intra-op threads spin between steps (ONNX Runtime's default; off here: spinning threads"
            + " take the cores the HTTP threads need)")
    boolean spin;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException, InterruptedException {
        if (timeoutMs < 1) {
            throw new IllegalArgumentException("--timeout must be at least 1 ms, got " + timeoutMs);
        }
        if (drainSeconds < 0) {
            throw new IllegalArgumentException("--drain-timeout must not be negative, got " + drainSeconds);
        }
        ServeConfig config = ServeConfig.defaults().withHost(host).withPort(port).withMaxBatch(maxBatch).withMaxQueue(maxQueue)
                .withLimits(new ServeConfig.Limits(maxCopies, maxSteps, Duration.ofMillis(maxTimeoutMs)))
                .withTimeout(Duration.ofMillis(timeoutMs)).withHttpThreads(httpThreads).withAccess(access());
        RuntimeConfig options = RuntimeConfig.cpu().withProvider(Provider.parse(provider)).withThreads(threads).withSpinning(spin);
        Map<String, Path> files = modelFiles();
        PrintWriter err = spec.commandLine().getErr();
        if (config.access().tokens() != null && config.access().tokens().warning() != null) {
            err.println("trm serve: warning: " + config.access().tokens().warning());
        }
        LinkedBlockingQueue<String> signals = new LinkedBlockingQueue<>();
        try (SolveServer server = SolveServer.start(config, List.copyOf(files.keySet()), name -> read(files.get(name)), options)) {
            Signal.handle(new Signal("TERM"), s -> signals.add("TERM"));
            Signal.handle(new Signal("INT"), s -> signals.add("TERM"));
            if (Signal.handle(new Signal("HUP"), s -> signals.add("HUP")) == sun.misc.SignalHandler.SIG_IGN) {
                // started with SIGHUP ignored (nohup, some supervisors): the JVM keeps it ignored and never calls the handler
                err.println("trm serve: SIGHUP is ignored in this process (started under nohup?); reload with POST /v1/models/NAME/reload");
                err.flush();
            }
            PrintWriter out = spec.commandLine().getOut();
            out.println("listening on " + server.url() + (server.address().getAddress().isAnyLocalAddress() ? " (every address)" : ""));
            out.flush();
            while (signals.take().equals("HUP")) {
                server.reloadAll().forEach(line -> err.println("trm serve: reload " + line));
                err.flush();
            }
            err.println("trm serve: draining (up to " + drainSeconds + " s)");
            err.flush();
            boolean all = server.drain(Duration.ofSeconds(drainSeconds));
            err.println(all ? "trm serve: every request answered; stopped"
                    : "trm serve: the drain timeout passed; the requests still running were answered 504 with what had finished; stopped");
            err.flush();
            return all ? 0 : DRAIN_CUT_SHORT;
        }
    }

    private ServeConfig.Access access() {
        if (!accessLog.equals("on") && !accessLog.equals("off")) {
            throw new IllegalArgumentException("--access-log: on or off, got '" + accessLog + "'");
        }
        if ((tlsCert == null) != (tlsKey == null)) {
            throw new IllegalArgumentException("TLS needs both --tls-cert and --tls-key");
        }
        return ServeConfig.Access.open().withTokens(tokenFile == null ? null : Tokens.read(tokenFile))
                .withTls(tlsCert == null ? null : new TlsFiles(tlsCert, tlsKey)).withAllowUnauthenticated(allowUnauthenticated)
                .withMetricsNeedToken(metricsNeedToken).withAccessLog(accessLog.equals("on"));
    }

    /** A model's bytes: its file, or the bundled model's (null). */
    private static byte[] read(Path file) throws IOException {
        return file == null ? BundledModel.bytes() : ModelLoader.read(file);
    }

    /** NAME=FILE pairs in order; none: the bundled model (a null file). */
    private Map<String, Path> modelFiles() {
        Map<String, Path> out = new LinkedHashMap<>();
        if (models.isEmpty()) {
            out.put(BundledModel.NAME, null);
        }
        for (String m : models) {
            int eq = m.indexOf('=');
            if (eq < 1 || eq == m.length() - 1) {
                throw new IllegalArgumentException("--model: expected NAME=FILE, got '" + m + "'");
            }
            if (out.put(m.substring(0, eq), Path.of(m.substring(eq + 1))) != null) {
                throw new IllegalArgumentException("--model: the name '" + m.substring(0, eq) + "' is given twice");
            }
        }
        return out;
    }
}
