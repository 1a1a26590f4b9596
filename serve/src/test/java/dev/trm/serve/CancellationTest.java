package dev.trm.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trm.data.SharedData;
import dev.trm.runtime.RuntimeConfig;
import dev.trm.runtime.TrmModel;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A caller who closes its connection takes its puzzles out of the batch: running lanes within a step, waiting ones never join. */
class CancellationTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String MODEL = "sudoku";
    private static TrmModel model;
    /** A puzzle the model does not verify: with the fixed policy and a long budget it runs for seconds. */
    private static String hard;

    @BeforeAll
    static void load() throws IOException {
        model = TrmModel.load(Path.of(System.getProperty("trm.models.dir", "../models"), "sudoku-default.onnx"), RuntimeConfig.cpu());
        hard = Files.readAllLines(SharedData.file("sudoku/dev_1k.csv")).get(2).split(",")[1];
    }

    @AfterAll
    static void unload() {
        model.close();
    }

    /** Sends a long solve request on a raw connection and leaves it open (the caller waits). */
    private static Socket longRequest(SolveServer server) throws IOException {
        ObjectNode body = JSON.createObjectNode().put("policy", "fixed").put("effort", "1x2000");
        body.putArray("puzzles").add(hard);
        byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
        Socket s = new Socket("127.0.0.1", server.address().getPort());
        s.getOutputStream().write(("POST /v1/solve HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: "
                + bytes.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        s.getOutputStream().write(bytes);
        s.getOutputStream().flush();
        return s;
    }

    private static void awaitTrue(BooleanSupplier condition, String what) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < end, "timed out waiting until " + what);
            Thread.sleep(1);
        }
    }

    private static double steps(Http http) throws Exception {
        return OpenInferenceTest.metric(http.get("/metrics").body(), "trm_step_seconds_count{model=\"" + MODEL + "\"}");
    }

    @Test
    void aCallerWhoDisconnectsLeavesTheBatchWithinAStepAndIsCounted() throws Exception {
        try (SolveServer server = SolveServer.start(ServeConfig.defaults().withPort(0).withMaxBatch(1)
                .withLimits(new ServeConfig.Limits(1, 2000, ServeConfig.Limits.DEFAULT_MAX_TIMEOUT)), Map.of(MODEL, model))) {
            Http http = new Http(server);
            Socket running = longRequest(server);
            awaitTrue(() -> server.lanes(MODEL) == 1, "the long request runs");
            Socket waiting = longRequest(server);
            awaitTrue(() -> server.queued(MODEL) == 1, "the second waits for the one lane");

            waiting.close(); // a waiting caller leaves: its puzzle never joins
            awaitTrue(() -> server.queued(MODEL) == 0, "the waiting puzzle left the queue");
            assertEquals(1, server.lanes(MODEL), "the running one goes on");

            double before = steps(http);
            running.close();
            awaitTrue(() -> server.lanes(MODEL) == 0, "the running puzzle left the batch");
            double after = steps(http);
            // at most the step running when the caller left, and one that may have started between reading the counter and closing
            assertTrue(after - before <= 2, "steps after the caller left: " + (after - before));
            String metrics = http.get("/metrics").body();
            assertEquals(2.0, OpenInferenceTest.metric(metrics, "trm_requests_cancelled_total{model=\"" + MODEL + "\"}"));
            assertTrue(!metrics.contains("trm_requests_total{"), "a caller who left is not counted as answered:\n" + metrics);
            // and the batch serves the next caller at once
            ObjectNode next = JSON.createObjectNode();
            next.putArray("puzzles").add(hard);
            next.put("effort", "plain");
            assertEquals(200, http.post("/v1/solve", next.toString()).statusCode());
        }
    }
}
