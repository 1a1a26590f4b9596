package dev.trm.serve;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.OutputStream;

/** What {@code GET /metrics} shows, in Prometheus' text format; every name starts with {@code trm_}. */
final class ServeMetrics {
    /** Upper bounds of the batch-lanes histogram. */
    private static final double[] LANE_BOUNDS = {1, 2, 4, 8, 16, 32, 64, 128, 256};
    /** Upper bounds (seconds) of the step histogram. */
    private static final double[] STEP_BOUNDS = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1};
    /** Upper bounds (seconds) of the request histogram. */
    private static final double[] REQUEST_BOUNDS = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60};

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final Counter requests = Counter.builder().name("trm_requests_total")
            .help("solve requests answered, by HTTP status").labelNames("status").register(registry);
    private final Histogram requestSeconds = Histogram.builder().name("trm_request_seconds")
            .help("time from a solve request's arrival to its answer").classicOnly().classicUpperBounds(REQUEST_BOUNDS)
            .register(registry);
    private final Gauge queueDepth = Gauge.builder().name("trm_queue_depth")
            .help("puzzles waiting to join a model's batch").labelNames("model").register(registry);
    private final Gauge lanes = Gauge.builder().name("trm_batch_lanes")
            .help("lanes (puzzle copies) in a model's batch now").labelNames("model").register(registry);
    private final Histogram batchLanes = Histogram.builder().name("trm_batch_occupancy")
            .help("lanes (puzzle copies) in the batch of each step").labelNames("model").classicOnly()
            .classicUpperBounds(LANE_BOUNDS).register(registry);
    private final Histogram stepSeconds = Histogram.builder().name("trm_step_seconds")
            .help("time of one supervision step of a model's batch").labelNames("model").classicOnly()
            .classicUpperBounds(STEP_BOUNDS).register(registry);
    private final Counter cancelled = Counter.builder().name("trm_requests_cancelled_total")
            .help("requests taken out of the batch because their caller left").labelNames("model").register(registry);
    private final Histogram queueSeconds = Histogram.builder().name("trm_queue_seconds")
            .help("time a puzzle waited before it joined the batch").labelNames("model").classicOnly()
            .classicUpperBounds(REQUEST_BOUNDS).register(registry);
    private final Counter reloads = Counter.builder().name("trm_model_reloads_total")
            .help("model reloads, by outcome: loaded, or kept (the new file failed, the old model stays)").labelNames("model", "outcome")
            .register(registry);
    private final Counter puzzles = Counter.builder().name("trm_puzzles_total")
            .help("puzzles finished, by who solved them: model, exact (the fallback), or unsolved").labelNames("model", "solved_by")
            .register(registry);

    void request(int status, double seconds) {
        requests.labelValues(Integer.toString(status)).inc();
        requestSeconds.observe(seconds);
    }

    void queueDepth(String model, int puzzlesWaiting) {
        queueDepth.labelValues(model).set(puzzlesWaiting);
    }

    void lanes(String model, int running) {
        lanes.labelValues(model).set(running);
    }

    void step(String model, int lanes, double seconds) {
        batchLanes.labelValues(model).observe(lanes);
        stepSeconds.labelValues(model).observe(seconds);
    }

    void cancelled(String model) {
        cancelled.labelValues(model).inc();
    }

    void queueSeconds(String model, double seconds) {
        queueSeconds.labelValues(model).observe(seconds);
    }

    /** @param outcome {@code loaded} or {@code kept} */
    void reload(String model, String outcome) {
        reloads.labelValues(model, outcome).inc();
    }

    /** @param solvedBy {@code model}, {@code exact}, or {@code unsolved} */
    void puzzle(String model, String solvedBy) {
        puzzles.labelValues(model, solvedBy).inc();
    }

    void write(OutputStream out) throws IOException {
        PrometheusTextFormatWriter.create().write(out, registry.scrape());
    }
}
