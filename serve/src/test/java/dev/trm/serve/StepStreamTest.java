package dev.trm.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trm.data.SharedData;
import dev.trm.data.SudokuGenerator;
import dev.trm.runtime.RuntimeConfig;
import dev.trm.runtime.TrmModel;
import java.io.InputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code POST /v1/solve/stream}: Server-Sent Events as the puzzles think, from the shared batch. */
class StepStreamTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String MODEL = "sudoku";
    private static TrmModel model;
    private static List<String> puzzles;
    private static List<String> hard;

    /** One event: its name and its data. */
    record Event(String name, JsonNode data) {
    }

    @BeforeAll
    static void load() throws Exception {
        model = TrmModel.load(Path.of(System.getProperty("trm.models.dir", "../models"), "sudoku-default.onnx"), RuntimeConfig.cpu());
        SudokuGenerator gen = new SudokuGenerator(91);
        puzzles = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            puzzles.add(gen.next(SudokuGenerator.Difficulty.givens(22, 30)).question().toLine());
        }
        hard = Files.readAllLines(SharedData.file("sudoku/dev_1k.csv")).subList(1, 9).stream().map(l -> l.split(",")[1]).toList();
    }

    @AfterAll
    static void unload() {
        model.close();
    }

    private static String body(List<String> list, String... fields) {
        ObjectNode o = JSON.createObjectNode();
        var p = o.putArray("puzzles");
        list.forEach(p::add);
        for (int i = 0; i < fields.length; i += 2) {
            o.put(fields[i], fields[i + 1]);
        }
        return o.toString();
    }

    static List<Event> parse(String text) throws Exception {
        List<Event> out = new ArrayList<>();
        for (String block : text.split("\n\n")) {
            if (block.isBlank()) {
                continue;
            }
            String[] lines = block.split("\n");
            assertTrue(lines[0].startsWith("event: ") && lines[1].startsWith("data: "), block);
            out.add(new Event(lines[0].substring(7), JSON.readTree(lines[1].substring(6))));
        }
        return out;
    }

    /** A chunked body's content (HTTP/1.1 chunked transfer coding: a hex size line, that many bytes, CRLF; a 0 size ends it). */
    private static String unchunk(String chunked) {
        StringBuilder out = new StringBuilder();
        int at = 0;
        while (true) {
            int eol = chunked.indexOf("\r\n", at);
            int size = Integer.parseInt(chunked.substring(at, eol).trim(), 16);
            if (size == 0) {
                return out.toString();
            }
            out.append(chunked, eol + 2, eol + 2 + size);
            at = eol + 2 + size + 2;
        }
    }

    @Test
    void theStreamShowsEveryStepOfEveryCopyThenEachSolutionAsV1SolveGivesIt() throws Exception {
        try (SolveServer server = SolveServer.start(ServeConfig.defaults().withPort(0), Map.of(MODEL, model))) {
            Http http = new Http(server);
            String request = body(puzzles, "effort", "adaptive", "policy", "verified+q-halt");
            HttpResponse<String> r = http.post("/v1/solve/stream", request);
            assertEquals(200, r.statusCode());
            assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"));
            List<Event> events = parse(r.body());
            JsonNode v1 = JSON.readTree(http.post("/v1/solve", request).body()).get("solutions");
            assertEquals("done", events.get(events.size() - 1).name(), "done comes last");
            Map<Integer, JsonNode> solutions = new HashMap<>();
            Map<String, Integer> stepsPerCopy = new HashMap<>();
            Map<String, String> lastAnswer = new HashMap<>();
            for (Event e : events) {
                JsonNode d = e.data();
                int index = d.get("index") == null ? -1 : d.get("index").asInt();
                if (e.name().equals("step")) {
                    assertTrue(!solutions.containsKey(index), "no step of a puzzle after its solution");
                    String key = index + "/" + d.get("copy").asInt();
                    int step = stepsPerCopy.merge(key, 1, Integer::sum);
                    assertEquals(step, d.get("step").asInt(), key + ": steps in order, none missing");
                    String before = lastAnswer.getOrDefault(key, puzzles.get(index));
                    String answer = d.get("answer").asText();
                    List<Integer> changed = new ArrayList<>();
                    for (int c = 0; c < answer.length(); c++) {
                        if (answer.charAt(c) != before.charAt(c)) {
                            changed.add(c);
                        }
                    }
                    assertEquals(changed.toString(), d.get("changed").toString().replace(",", ", "), key + " step " + step + ": changed cells");
                    lastAnswer.put(key, answer);
                    if (d.get("copy").asInt() == 0) {
                        JsonNode conf = d.get("confidence");
                        assertEquals(81, conf.size(), "one confidence per cell");
                        conf.forEach(c -> assertTrue(c.asDouble() >= 0 && c.asDouble() <= 1 && Math.abs(c.asDouble() * 1000
                                - Math.round(c.asDouble() * 1000)) < 1e-6, "a probability to 3 digits: " + c));
                    }
                } else if (e.name().equals("solution")) {
                    solutions.put(index, d);
                }
            }
            assertEquals(puzzles.size(), solutions.size(), "one solution per puzzle");
            for (int i = 0; i < puzzles.size(); i++) {
                JsonNode s = solutions.get(i);
                for (String field : List.of("answer", "solved", "solved_by", "steps", "copies", "total_steps", "halt")) {
                    assertEquals(v1.get(i).get(field), s.get(field), "puzzle " + i + ": " + field);
                }
                assertEquals(s.get("steps").asInt(), stepsPerCopy.get(i + "/0"), "puzzle " + i + ": copy 0's step events");
                int total = 0;
                for (var c : stepsPerCopy.entrySet()) {
                    total += c.getKey().startsWith(i + "/") ? c.getValue() : 0;
                }
                assertEquals(s.get("total_steps").asInt(), total, "puzzle " + i + ": step events over all copies");
            }
        }
    }

    @Test
    void aBadBodyGetsThePlain400BeforeAnyEventAndAPassedDeadlineEndsWithAnErrorEvent() throws Exception {
        try (SolveServer server = SolveServer.start(ServeConfig.defaults().withPort(0), Map.of(MODEL, model))) {
            Http http = new Http(server);
            HttpResponse<String> bad = http.post("/v1/solve/stream", body(List.of("123")));
            assertEquals(400, bad.statusCode());
            assertEquals(0, JSON.readTree(bad.body()).get("index").asInt());
            List<Event> events = parse(http.post("/v1/solve/stream", "{\"puzzles\": [\"" + hard.get(0)
                    + "\"], \"policy\": \"fixed\", \"effort\": \"1x1000\", \"timeout_ms\": 300}").body());
            Event last = events.get(events.size() - 1);
            assertEquals("error", last.name());
            assertEquals(504, last.data().get("status").asInt());
            assertTrue(last.data().get("error").asText().contains("deadline"), last.data().toString());
        }
    }

    @Test
    void aStreamThatIsNotReadDropsStepEventsNotSolutionsAndDoesNotHoldTheBatch() throws Exception {
        try (SolveServer server = SolveServer.start(ServeConfig.defaults().withPort(0), Map.of(MODEL, model))) {
            Http http = new Http(server);
            byte[] request = body(hard, "policy", "fixed", "effort", "1x200").getBytes(StandardCharsets.UTF_8);
            try (Socket reader = new Socket()) {
                reader.setReceiveBufferSize(4096);
                reader.connect(server.address());
                reader.getOutputStream().write(("POST /v1/solve/stream HTTP/1.1\r\nHost: x\r\nContent-Length: " + request.length
                        + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                reader.getOutputStream().write(request);
                // while the stream is not read, 16 other callers are answered from the same batch
                ExecutorService others = Executors.newFixedThreadPool(16);
                List<Future<Integer>> answers = new ArrayList<>();
                for (int i = 0; i < 16; i++) {
                    String p = puzzles.get(i % puzzles.size());
                    answers.add(others.submit(() -> new Http(server).post("/v1/solve", body(List.of(p), "effort", "plain")).statusCode()));
                }
                for (Future<Integer> a : answers) {
                    assertEquals(200, a.get());
                }
                others.shutdown();
                while (server.lanes(MODEL) > 0 || server.queued(MODEL) > 0) { // the stream's puzzles run to their end, unread
                    Thread.sleep(10);
                }
                InputStream in = reader.getInputStream();
                String raw = new String(in.readAllBytes(), StandardCharsets.UTF_8); // now read it all, to the end
                List<Event> events = parse(unchunk(raw.substring(raw.indexOf("\r\n\r\n") + 4)));
                long steps = events.stream().filter(e -> e.name().equals("step")).count();
                Event done = events.get(events.size() - 1);
                assertEquals("done", done.name(), "done comes, last");
                long dropped = done.data().get("dropped_steps").asLong();
                assertTrue(dropped > 0, "step events were dropped while nobody read (" + steps + " sent)");
                assertEquals(hard.size() * 200, steps + dropped, "every step was sent or counted as dropped");
                assertEquals(hard.size(), events.stream().filter(e -> e.name().equals("solution")).count(), "no solution is dropped");
            }
        }
    }
}
