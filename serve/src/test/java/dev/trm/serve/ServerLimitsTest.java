package dev.trm.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trm.data.SharedData;
import dev.trm.data.SudokuGenerator;
import dev.trm.runtime.Effort;
import dev.trm.runtime.HaltPolicy;
import dev.trm.runtime.RuntimeConfig;
import dev.trm.runtime.TrmModel;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** What one request may take of a server: lanes (copies included), steps, deadline, its share of the batch; and a drain that runs out of time. */
class ServerLimitsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String MODEL = "sudoku";
    private static TrmModel model;
    private static List<String> hard;
    private static String everyday;

    @BeforeAll
    static void load() throws Exception {
        model = TrmModel.load(Path.of(System.getProperty("trm.models.dir", "../models"), "sudoku-default.onnx"), RuntimeConfig.cpu());
        hard = Files.readAllLines(SharedData.file("sudoku/dev_1k.csv")).subList(1, 9).stream().map(l -> l.split(",")[1]).toList();
        everyday = new SudokuGenerator(12).next(SudokuGenerator.Difficulty.givens(30, 34)).question().toLine();
    }

    @AfterAll
    static void unload() {
        model.close();
    }

    private static String body(List<String> puzzles, String... fields) {
        ObjectNode o = JSON.createObjectNode();
        var list = o.putArray("puzzles");
        puzzles.forEach(list::add);
        for (int i = 0; i < fields.length; i += 2) {
            o.put(fields[i], fields[i + 1]);
        }
        return o.toString();
    }

    private static double metric(Http http, String sample) throws Exception {
        return OpenInferenceTest.metric(http.get("/metrics").body(), sample);
    }

    @Test
    void theCopiesOfEscalatingPuzzlesNeverRunPastMaxBatchAndAnswerAsAlone() throws Exception {
        try (SolveServer server = SolveServer.start(ServeConfig.defaults().withPort(0).withMaxBatch(4), Map.of(MODEL, model))) {
            Http http = new Http(server);
            List<String> three = hard.subList(0, 3);
            HttpResponse<String> r = http.post("/v1/solve", body(three, "policy", "verified", "effort", "1x2,4x4"));
            assertEquals(200, r.statusCode(), r.body());
            double steps = metric(http, "trm_batch_occupancy_count{model=\"" + MODEL + "\"}");
            assertEquals(steps, metric(http, "trm_batch_occupancy_bucket{model=\"" + MODEL + "\",le=\"4.0\"}"),
                    "no step ran more than 4 lanes (3 puzzles asking for 4 copies each)");
            JsonNode solutions = JSON.readTree(r.body()).get("solutions");
            for (int i = 0; i < three.size(); i++) {
                assertEquals(4, solutions.get(i).get("copies").asInt(), "puzzle " + i + " escalated");
                assertEquals(model.solve(three.get(i), HaltPolicy.parse("verified"), Effort.parse("1x2,4x4")).answer(),
                        solutions.get(i).get("answer").asText(), "puzzle " + i);
            }
        }
    }

    @Test
    void anEffortOrDeadlinePastTheServersLimitsGets400NamingTheFlag() throws Exception {
        ServeConfig config = ServeConfig.defaults().withPort(0).withTimeout(Duration.ofSeconds(2))
                .withLimits(new ServeConfig.Limits(4, 64, Duration.ofSeconds(5)));
        try (SolveServer server = SolveServer.start(config, Map.of(MODEL, model))) {
            Http http = new Http(server);
            Map<String, String> cases = Map.of(
                    body(List.of(everyday), "effort", "1xN,8x2N"), "--max-copies",
                    body(List.of(everyday), "effort", "1x65"), "--max-steps",
                    body(List.of(everyday), "effort", "1x1000000"), "--max-steps",
                    "{\"puzzles\": [\"" + everyday + "\"], \"effort\": \"plain\", \"timeout_ms\": 5001}", "--max-timeout");
            for (var c : cases.entrySet()) {
                HttpResponse<String> r = http.post("/v1/solve", c.getKey());
                assertEquals(400, r.statusCode(), r.body());
                assertTrue(r.body().contains(c.getValue()), r.body());
            }
            assertEquals(200, http.post("/v1/solve", body(List.of(everyday), "effort", "1x64")).statusCode(), "at the limit is fine");
        }
    }

    @Test
    void aSmallRequestBesideAHugeOneIsAnsweredWithinAFewNSupOfSteps() throws Exception {
        int nSup = model.info().haltMaxSteps();
        try (SolveServer server = SolveServer.start(ServeConfig.defaults().withPort(0).withMaxBatch(4), Map.of(MODEL, model))) {
            Http http = new Http(server);
            HttpClient client = HttpClient.newHttpClient();
            // 8 unverifiable puzzles of 1,000 steps each: without time-slicing they hold all 4 lanes for 1,000 steps
            CompletableFuture<HttpResponse<String>> huge = client.sendAsync(HttpRequest.newBuilder(java.net.URI.create(server.url() + "/v1/solve"))
                    .POST(HttpRequest.BodyPublishers.ofString(body(hard, "policy", "fixed", "effort", "1x1000"))).build(),
                    HttpResponse.BodyHandlers.ofString());
            while (server.lanes(MODEL) < 4) {
                Thread.sleep(1);
            }
            double before = metric(http, "trm_step_seconds_count{model=\"" + MODEL + "\"}");
            HttpResponse<String> small = http.post("/v1/solve", body(List.of(everyday), "effort", "plain"));
            double after = metric(http, "trm_step_seconds_count{model=\"" + MODEL + "\"}");
            assertEquals(200, small.statusCode());
            assertTrue(after - before <= 3 * nSup, "the small request waited and ran " + (after - before) + " batch steps (N_sup " + nSup
                    + "); the huge one's puzzles need 1,000 each");
            assertFalse(huge.isDone(), "the huge request is still running");
            huge.cancel(true);
        }
    }

    @Test
    void aDrainThatRunsOutOfTimeAnswersWhatRuns504WithWhatFinished() throws Exception {
        SolveServer server = SolveServer.start(ServeConfig.defaults().withPort(0), Map.of(MODEL, model));
        try {
            HttpClient client = HttpClient.newHttpClient();
            CompletableFuture<HttpResponse<String>> longOne = client.sendAsync(HttpRequest.newBuilder(java.net.URI.create(server.url() + "/v1/solve"))
                    .POST(HttpRequest.BodyPublishers.ofString(body(List.of(everyday, hard.get(0)), "policy", "fixed", "effort", "1x1000")))
                    .build(), HttpResponse.BodyHandlers.ofString());
            while (server.lanes(MODEL) == 0) {
                Thread.sleep(1);
            }
            assertFalse(server.drain(Duration.ofMillis(300)), "the drain ran out of time");
            HttpResponse<String> r = longOne.get();
            assertEquals(504, r.statusCode(), r.body());
            JsonNode solutions = JSON.readTree(r.body()).get("solutions");
            assertEquals(2, solutions.size());
            assertTrue(solutions.get(1).isNull(), "the unfinished puzzle is null");
            assertEquals(503, new Http(server).get("/readyz").statusCode(), "not ready while draining");
        } finally {
            server.close();
        }
    }

    @Test
    void aPassedDeadlineIsAnsweredWithinAStepOrTwoOfIt() throws Exception {
        try (SolveServer server = SolveServer.start(ServeConfig.defaults().withPort(0), Map.of(MODEL, model))) {
            Http http = new Http(server);
            long t0 = System.nanoTime();
            ObjectNode request = (ObjectNode) JSON.readTree(body(hard.subList(0, 4), "policy", "fixed", "effort", "1x1000"));
            HttpResponse<String> r = http.post("/v1/solve", request.put("timeout_ms", 400).toString());
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertEquals(504, r.statusCode());
            double stepMs = 1000 * metric(http, "trm_step_seconds_sum{model=\"" + MODEL + "\"}")
                    / metric(http, "trm_step_seconds_count{model=\"" + MODEL + "\"}");
            // the deadline is checked before every step: the overshoot is the step running when it passed, plus the answer's way back
            assertTrue(ms < 400 + 2 * stepMs + 500, "answered after " + ms + " ms (a step: " + stepMs + " ms)");
        }
    }

    @Test
    void aFailedStepFailsOnlyTheRequestWhoseOwnStepFailsAgainAlone() throws Exception {
        String poison = hard.get(7);
        Scheduler.faultForTests = puzzle -> puzzle.equals(poison);
        try (SolveServer server = SolveServer.start(ServeConfig.defaults().withPort(0), Map.of(MODEL, model))) {
            HttpClient client = HttpClient.newHttpClient();
            List<CompletableFuture<HttpResponse<String>>> replies = new java.util.ArrayList<>();
            List<List<String>> bodies = List.of(hard.subList(0, 2), List.of(poison, everyday), hard.subList(2, 4), hard.subList(4, 6));
            for (List<String> b : bodies) { // all four in the batch together: the poison's step fails it for everyone
                replies.add(client.sendAsync(HttpRequest.newBuilder(java.net.URI.create(server.url() + "/v1/solve"))
                        .POST(HttpRequest.BodyPublishers.ofString(body(b, "policy", "fixed", "effort", "1x12"))).build(),
                        HttpResponse.BodyHandlers.ofString()));
            }
            for (int i = 0; i < bodies.size(); i++) {
                HttpResponse<String> r = replies.get(i).get();
                if (i == 1) {
                    assertEquals(500, r.statusCode(), r.body());
                    assertTrue(r.body().contains("the model failed on this request's batch"), r.body());
                    continue;
                }
                assertEquals(200, r.statusCode(), "request " + i + ", a batch-mate of the failing one: " + r.body());
                JsonNode solutions = JSON.readTree(r.body()).get("solutions");
                for (int k = 0; k < bodies.get(i).size(); k++) {
                    assertEquals(model.solve(bodies.get(i).get(k), HaltPolicy.fixed(), Effort.parse("1x12")).answer(),
                            solutions.get(k).get("answer").asText(), "request " + i + " puzzle " + k + ": the answer it has alone");
                    assertEquals(12, solutions.get(k).get("steps").asInt());
                }
            }
            assertEquals(200, new Http(server).post("/v1/solve", body(List.of(everyday))).statusCode(), "the server goes on");
        } finally {
            Scheduler.faultForTests = null;
        }
    }
}
