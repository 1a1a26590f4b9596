package dev.trm.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trm.data.SharedData;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trm.data.SudokuGenerator;
import dev.trm.runtime.RuntimeConfig;
import dev.trm.runtime.Solution;
import dev.trm.runtime.SolveConfig;
import dev.trm.runtime.TrmModel;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code trm serve}'s HTTP contract and scheduler, against the bundled default model on loopback. */
class SolveServerTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String MODEL = "sudoku";
    /** The fields of {@code trm solve --json} for a one-copy solution. */
    private static final Set<String> SOLVE_JSON_FIELDS = Set.of("where", "puzzle", "answer", "solved", "solved_by", "steps", "copies",
            "total_steps", "halt", "halt_probability", "ms");
    private static TrmModel model;
    private static List<String> everyday;
    private static String hard;
    private final HttpClient client = HttpClient.newHttpClient();
    private SolveServer server;

    @BeforeAll
    static void load() throws IOException {
        model = TrmModel.load(Path.of(System.getProperty("trm.models.dir", "../models"), "sudoku-default.onnx"), RuntimeConfig.cpu());
        SudokuGenerator gen = new SudokuGenerator(28);
        everyday = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            everyday.add(gen.next(SudokuGenerator.Difficulty.givens(26, 34)).question().toLine());
        }
        // row 2 of dev_1k (rating 70): a hard puzzle the model does not verify (the app's test of a puzzle beyond the model)
        List<String> rows = Files.readAllLines(SharedData.file("sudoku/dev_1k.csv"));
        hard = rows.get(2).split(",")[1];
    }

    @AfterAll
    static void unload() {
        model.close();
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private void start(ServeConfig config) throws IOException {
        server = SolveServer.start(config.withPort(0), Map.of(MODEL, model));
    }

    @Test
    void theUrlItPrintsIsUsableForLoopbackWildcardAndIpv6Binds() throws IOException {
        start(ServeConfig.defaults());
        assertEquals("http://127.0.0.1:" + server.address().getPort(), server.url());
        server.close();
        // listens on every address (nothing is sent to it); open on purpose, since it has no tokens
        start(ServeConfig.defaults().withHost("0.0.0.0").withAccess(ServeConfig.Access.open().withAllowUnauthenticated(true)));
        assertEquals("http://127.0.0.1:" + server.address().getPort(), server.url(), "a wildcard bind is reached on loopback");
        server.close();
        start(ServeConfig.defaults().withHost("::1"));
        assertEquals("http://[0:0:0:0:0:0:0:1]:" + server.address().getPort(), server.url(), "an IPv6 address in brackets");
    }

    private HttpResponse<String> post(String path, String body) throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(uri(path)).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(uri(path)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private CompletableFuture<HttpResponse<String>> postAsync(String body) {
        return client.sendAsync(HttpRequest.newBuilder(uri("/v1/solve")).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.address().getPort() + path);
    }

    private static String request(List<String> puzzles, String... fields) {
        ObjectNode o = JSON.createObjectNode();
        ArrayNode list = o.putArray("puzzles");
        puzzles.forEach(list::add);
        for (int i = 0; i < fields.length; i += 2) {
            o.put(fields[i], fields[i + 1]);
        }
        return o.toString();
    }

    private static void awaitTrue(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < end, "timed out waiting until " + what);
            Thread.sleep(5);
        }
    }

    @Test
    void aSolveAnswersEachPuzzleInOrderWithTheFieldsOfTrmSolveJsonAndTheAnswersOfTheRuntime() throws Exception {
        start(ServeConfig.defaults());
        List<String> puzzles = everyday.subList(0, 3);
        HttpResponse<String> r = post("/v1/solve", request(puzzles, "effort", "plain", "policy", "verified"));
        assertEquals(200, r.statusCode(), r.body());
        JsonNode solutions = JSON.readTree(r.body()).get("solutions");
        assertEquals(3, solutions.size());
        SolveConfig spec = SolveConfig.parse("verified", "plain", "none", 0);
        for (int i = 0; i < 3; i++) {
            JsonNode s = solutions.get(i);
            Set<String> fields = new HashSet<>();
            s.fieldNames().forEachRemaining(fields::add);
            assertEquals(SOLVE_JSON_FIELDS, fields);
            Solution alone = model.solve(puzzles.get(i), spec.policy(), spec.effort());
            assertEquals(puzzles.get(i), s.get("puzzle").asText());
            assertEquals("puzzles[" + i + "]", s.get("where").asText());
            assertEquals(alone.answer(), s.get("answer").asText(), "puzzle " + i + ": the same answer as the runtime alone");
            assertEquals(alone.steps(), s.get("steps").asInt());
        }
    }

    @Test
    void badRequestsGetAJsonErrorWithTheirStatusAndTheIndexOfABadPuzzle() throws Exception {
        start(ServeConfig.defaults().withMaxBodyBytes(4096));
        String good = everyday.get(0);
        assertError(post("/v1/solve", "{\"puzzles\": ["), 400, "not JSON");
        assertError(post("/v1/solve", "[1, 2]"), 400, "JSON object");
        assertError(post("/v1/solve", "{}"), 400, "puzzles: required");
        assertError(post("/v1/solve", "{\"puzzles\": [\"" + good + "\"], \"colour\": \"red\"}"), 400, "unknown field 'colour'");
        HttpResponse<String> bad = post("/v1/solve", request(List.of(good, good.substring(1))));
        assertError(bad, 400, "puzzles[1]: ");
        assertEquals(1, JSON.readTree(bad.body()).get("index").asInt());
        assertEquals(0, JSON.readTree(post("/v1/solve", "{\"puzzles\": [7]}").body()).get("index").asInt());
        assertError(post("/v1/solve", request(List.of(good), "model", "chess")), 400, "no model 'chess'");
        assertError(post("/v1/solve", request(List.of(good), "effort", "lots")), 400, "effort: ");
        assertError(post("/v1/solve", request(List.of(good), "policy", "never")), 400, "policy: ");
        assertError(post("/v1/solve", request(List.of(good), "fallback", "guess")), 400, "fallback: ");
        assertError(post("/v1/solve", "{\"puzzles\": [\"" + good + "\"], \"timeout_ms\": -5}"), 400, "timeout_ms");
        List<String> many = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            many.add(good);
        }
        assertError(post("/v1/solve", request(many)), 413, "larger than 4096 bytes");
        assertError(get("/v1/solve"), 405, "use POST");
        assertError(get("/v2/nothing"), 404, "no such path");
    }

    private static void assertError(HttpResponse<String> r, int status, String says) throws IOException {
        assertEquals(status, r.statusCode(), r.body());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
        String error = JSON.readTree(r.body()).get("error").asText();
        assertTrue(error.contains(says), "'" + error + "' should say '" + says + "'");
    }

    @Test
    void aFullQueueAnswers429WithRetryAfterAndTheQueuedWorkStillFinishes() throws Exception {
        start(ServeConfig.defaults().withMaxBatch(1).withMaxQueue(4));
        CompletableFuture<HttpResponse<String>> first = postAsync(request(everyday.subList(0, 4), "effort", "1x32", "policy", "fixed"));
        awaitTrue(() -> server.queued(MODEL) == 3, "three puzzles of the first request wait");
        HttpResponse<String> refused = post("/v1/solve", request(everyday.subList(4, 6)));
        assertError(refused, 429, "queue is full");
        assertEquals("1", refused.headers().firstValue("Retry-After").orElse(null));
        assertEquals(200, first.get().statusCode());
    }

    @Test
    void aPassedDeadlineAnswers504WithThePuzzlesFinishedInTimeAndTakesTheOthersOutOfTheBatch() throws Exception {
        start(ServeConfig.defaults());
        String easy = everyday.get(0);
        HttpResponse<String> r = post("/v1/solve", "{\"puzzles\": [\"" + easy + "\", \"" + hard + "\"], \"effort\": \"1x1000\","
                + " \"policy\": \"verified\", \"timeout_ms\": 1000}");
        assertEquals(504, r.statusCode(), r.body());
        JsonNode body = JSON.readTree(r.body());
        assertTrue(body.get("error").asText().contains("1 of 2 puzzles finished"), body.get("error").asText());
        JsonNode solutions = body.get("solutions");
        assertTrue(solutions.get(0).get("solved").asBoolean(), "the easy puzzle was solved before the deadline");
        assertTrue(solutions.get(1).isNull(), "the hard one had not finished");
        awaitTrue(() -> server.lanes(MODEL) == 0, "the unfinished puzzle left the batch");
    }

    @Test
    void drainingAnswersTheRequestInFlightFailsReadinessAndRefusesNewRequests() throws Exception {
        start(ServeConfig.defaults());
        assertEquals(200, get("/readyz").statusCode());
        CompletableFuture<HttpResponse<String>> inFlight = postAsync(request(List.of(hard), "effort", "1x150", "policy", "fixed"));
        awaitTrue(() -> server.lanes(MODEL) > 0, "the request is in the batch");
        ExecutorService drainer = Executors.newSingleThreadExecutor();
        try {
            Future<Boolean> drained = drainer.submit(() -> server.drain(Duration.ofSeconds(30)));
            awaitTrue(() -> {
                try {
                    return get("/readyz").statusCode() == 503;
                } catch (IOException | InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            }, "readiness fails while draining");
            HttpResponse<String> refused = post("/v1/solve", request(List.of(everyday.get(0))));
            assertError(refused, 503, "shutting down");
            assertEquals("1", refused.headers().firstValue("Retry-After").orElse(null));
            HttpResponse<String> answered = inFlight.get();
            assertEquals(200, answered.statusCode(), answered.body());
            assertEquals(150, JSON.readTree(answered.body()).get("solutions").get(0).get("steps").asInt());
            assertTrue(drained.get());
        } finally {
            drainer.shutdownNow();
        }
    }

    @Test
    void manyConcurrentRequestsEachGetTheirOwnAnswersTheSameAsEachPuzzleAlone() throws Exception {
        start(ServeConfig.defaults().withMaxBatch(16));
        SolveConfig spec = SolveConfig.defaults();
        List<String> alone = new ArrayList<>();
        for (String p : everyday) {
            alone.add(model.solve(p, spec.policy(), spec.effort()).answer());
        }
        List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
        for (int round = 0; round < 3; round++) {
            for (int i = 0; i < everyday.size(); i += 2) {
                calls.add(postAsync(request(everyday.subList(i, i + 2))));
            }
        }
        Iterator<CompletableFuture<HttpResponse<String>>> it = calls.iterator();
        for (int round = 0; round < 3; round++) {
            for (int i = 0; i < everyday.size(); i += 2) {
                HttpResponse<String> r = it.next().get();
                assertEquals(200, r.statusCode(), r.body());
                JsonNode solutions = JSON.readTree(r.body()).get("solutions");
                for (int k = 0; k < 2; k++) {
                    assertEquals(everyday.get(i + k), solutions.get(k).get("puzzle").asText());
                    assertEquals(alone.get(i + k), solutions.get(k).get("answer").asText(), "puzzle " + (i + k) + " beside others");
                }
            }
        }
    }

    @Test
    void aLargeRequestDoesNotStarveAOnePuzzleRequestThatComesAfterIt() throws Exception {
        start(ServeConfig.defaults().withMaxBatch(4));
        List<String> big = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            big.add(everyday.get(i % everyday.size()));
        }
        CompletableFuture<HttpResponse<String>> large = postAsync(request(big, "effort", "1x8", "policy", "fixed"));
        awaitTrue(() -> server.queued(MODEL) > 0 && server.queued(MODEL) < 190, "the large request is running");
        HttpResponse<String> small = post("/v1/solve", request(List.of(hard), "effort", "1x8", "policy", "fixed"));
        assertEquals(200, small.statusCode());
        int stillWaiting = server.queued(MODEL);
        assertFalse(large.isDone(), "the one-puzzle request finished while the large one was still running");
        assertTrue(stillWaiting > 100, "it joined after at most a turn: " + stillWaiting + " of the large request's puzzles still wait");
        assertEquals(200, large.get().statusCode());
    }

    @Test
    void modelsAndMetricsDescribeWhatRuns() throws Exception {
        start(ServeConfig.defaults());
        JsonNode models = JSON.readTree(get("/v1/models").body()).get("models");
        assertEquals(MODEL, models.get(0).get("name").asText());
        assertEquals("sudoku", models.get(0).get("task").asText());
        assertEquals(model.info().haltMaxSteps(), models.get(0).get("n_sup").asInt());
        assertNotNull(models.get(0).get("metadata").get("trm.D"));
        assertNull(models.get(0).get("metadata").get("trm.y_init"));
        assertNull(models.get(0).get("metadata").get("trm.source_checkpoint"), "no host path of the checkpoint in an answer");
        assertNull(models.get(0).get("metadata").get("trm.dataset"), "no host path of the data set in an answer");
        assertEquals(200, post("/v1/solve", request(List.of(everyday.get(0)))).statusCode());
        HttpResponse<String> exact = post("/v1/solve", request(List.of(hard), "effort", "1x1", "policy", "fixed", "fallback", "exact"));
        assertEquals("exact", JSON.readTree(exact.body()).get("solutions").get(0).get("solved_by").asText());
        post("/v1/solve", "{");
        HttpResponse<String> metrics = get("/metrics");
        assertEquals(200, metrics.statusCode());
        assertTrue(metrics.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));
        String text = metrics.body();
        for (String line : List.of("trm_requests_total{status=\"200\"} 2.0", "trm_requests_total{status=\"400\"} 1.0",
                "trm_puzzles_total{model=\"sudoku\",solved_by=\"model\"} 1.0", "trm_puzzles_total{model=\"sudoku\",solved_by=\"exact\"} 1.0",
                "trm_queue_depth{model=\"sudoku\"} 0.0", "trm_request_seconds_count 3", "trm_batch_occupancy_count{model=\"sudoku\"}",
                "trm_step_seconds_bucket{model=\"sudoku\",le=\"0.001\"}")) {
            assertTrue(text.contains(line), "/metrics lacks '" + line + "':\n" + text);
        }
    }
}
