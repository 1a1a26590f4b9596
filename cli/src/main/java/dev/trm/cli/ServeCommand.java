package dev.trm.cli;

import dev.trm.runtime.Provider;
import dev.trm.runtime.RuntimeConfig;
import dev.trm.runtime.TrmModel;
import dev.trm.serve.ServeConfig;
import dev.trm.serve.SolveServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import sun.misc.Signal;

/**
 * {@code trm serve}: models behind HTTP, the puzzles of all callers batched together (see
 * {@link SolveServer}). SIGTERM or SIGINT drains: no new requests, those in flight are answered
 * (up to {@code --drain-timeout}), then exit 0.
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Serve models over HTTP (POST /v1/solve, GET /v1/models, /healthz, /readyz, /metrics), batching the puzzles of"
                + " all callers into shared steps. Prints 'listening on http://HOST:PORT' once ready; SIGTERM drains and exits 0.")
final class ServeCommand implements Callable<Integer> {
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
            description = "threads reading requests and waiting for their answers (default: ${DEFAULT-VALUE})")
    int httpThreads;

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
                .withTimeout(Duration.ofMillis(timeoutMs)).withHttpThreads(httpThreads);
        RuntimeConfig options = RuntimeConfig.cpu().withProvider(Provider.parse(provider)).withThreads(threads).withSpinning(spin);
        Map<String, Path> files = modelFiles();
        Map<String, TrmModel> loaded = new LinkedHashMap<>();
        CountDownLatch stop = new CountDownLatch(1);
        try {
            files.forEach((name, file) -> loaded.put(name, BundledModel.load(file, options)));
            try (SolveServer server = SolveServer.start(config, loaded)) {
                Signal.handle(new Signal("TERM"), s -> stop.countDown());
                Signal.handle(new Signal("INT"), s -> stop.countDown());
                PrintWriter out = spec.commandLine().getOut();
                out.println("listening on " + ServeConfig.url(server.address()) + (server.address().getAddress().isAnyLocalAddress() ? " (every address)" : ""));
                out.flush();
                stop.await();
                PrintWriter err = spec.commandLine().getErr();
                err.println("trm serve: draining (up to " + drainSeconds + " s)");
                err.flush();
                boolean all = server.drain(Duration.ofSeconds(drainSeconds));
                err.println(all ? "trm serve: every request answered; stopped" : "trm serve: drain timeout passed; stopped with requests unanswered");
                err.flush();
            }
        } finally {
            loaded.values().forEach(TrmModel::close);
        }
        return 0;
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
