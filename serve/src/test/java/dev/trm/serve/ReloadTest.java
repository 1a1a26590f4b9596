package dev.trm.serve;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trm.data.SudokuGenerator;
import dev.trm.runtime.RuntimeConfig;
import dev.trm.runtime.TrmModel;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Replacing a model without a restart: under load nothing is lost, a bad file keeps the old model. */
class ReloadTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String MODEL = "sudoku";
    private static final Path MODELS = Path.of(System.getProperty("trm.models.dir", "../models"));
    private static final Path FP32 = MODELS.resolve("sudoku-default.onnx");
    private static final Path INT8 = MODELS.resolve("sudoku-default-int8.onnx");
    @TempDir
    Path dir;

    private static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }

    /** Puts a file in place the way a deployment does: written beside, then renamed over. */
    private void replace(Path served, Path with) throws Exception {
        Path tmp = dir.resolve("incoming.tmp");
        Files.copy(with, tmp, StandardCopyOption.REPLACE_EXISTING);
        Files.move(tmp, served, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private SolveServer start(Path served) throws Exception {
        return SolveServer.start(ServeConfig.defaults().withPort(0).withMaxBatch(16), List.of(MODEL), ModelFiles.of(Map.of(MODEL, served)),
                RuntimeConfig.cpu());
    }

    private static JsonNode listed(Http http) throws Exception {
        return JSON.readTree(http.get("/v1/models").body()).get("models").get(0);
    }

    private static String body(List<String> puzzles) {
        ObjectNode o = JSON.createObjectNode();
        var list = o.putArray("puzzles");
        puzzles.forEach(list::add);
        return o.toString();
    }

    @Test
    void aReloadUnderLoadLosesNoRequestAndNewRequestsTakeTheNewFile() throws Exception {
        Path served = dir.resolve("model.onnx");
        Files.copy(FP32, served);
        SudokuGenerator gen = new SudokuGenerator(5);
        List<String> puzzles = new ArrayList<>();
        for (int i = 0; i < 32; i++) {
            puzzles.add(gen.next(SudokuGenerator.Difficulty.givens(26, 34)).question().toLine());
        }
        try (SolveServer server = start(served)) {
            Http http = new Http(server);
            JsonNode first = listed(http);
            assertEquals(sha256(FP32), first.get("sha256").asText(), "the model list shows the file's SHA-256");
            ExecutorService callers = Executors.newFixedThreadPool(16);
            Map<Integer, Integer> statuses = new ConcurrentHashMap<>();
            AtomicInteger answered = new AtomicInteger();
            List<Future<?>> done = new ArrayList<>();
            for (int c = 0; c < 16; c++) { // concurrency 16, each caller 10 requests of 2 puzzles, bounded
                int caller = c;
                done.add(callers.submit(() -> {
                    for (int r = 0; r < 10; r++) {
                        int at = (caller * 10 + r) % (puzzles.size() - 1);
                        HttpResponse<String> res = new Http(server).post("/v1/solve", body(puzzles.subList(at, at + 2)));
                        statuses.merge(res.statusCode(), 1, Integer::sum);
                        answered.incrementAndGet();
                    }
                    return null;
                }));
            }
            List<String> reloads = new ArrayList<>();
            for (Path next : List.of(INT8, FP32, INT8)) {
                while (server.lanes(MODEL) == 0) { // reload while puzzles are in the batch
                    Thread.sleep(1);
                }
                replace(served, next);
                HttpResponse<String> r = http.post("/v1/models/" + MODEL + "/reload", "");
                assertEquals(200, r.statusCode(), r.body());
                assertEquals(sha256(next), JSON.readTree(r.body()).get("sha256").asText());
                reloads.add(answered.get() + " answered");
            }
            for (Future<?> f : done) {
                f.get();
            }
            callers.shutdown();
            assertEquals(Map.of(200, 160), statuses, "every request answered 200 across three reloads (" + reloads + ")");
            JsonNode now = listed(http);
            assertEquals(sha256(INT8), now.get("sha256").asText(), "new requests run the last file reloaded");
            assertNotEquals(first.get("loaded_at").asText(), now.get("loaded_at").asText());
            String metrics = http.get("/metrics").body();
            assertEquals(3.0, OpenInferenceTest.metric(metrics, "trm_model_reloads_total{model=\"" + MODEL + "\",outcome=\"loaded\"}"));
        }
    }

    @Test
    void aFileThatFailsToLoadKeepsTheOldModelServingAndSaysWhy() throws Exception {
        Path served = dir.resolve("model.onnx");
        Files.copy(FP32, served);
        String puzzle = new SudokuGenerator(6).next(SudokuGenerator.Difficulty.givens(30, 34)).question().toLine();
        try (SolveServer server = start(served)) {
            Http http = new Http(server);
            Files.writeString(served, "not a model");
            HttpResponse<String> r = http.post("/v1/models/" + MODEL + "/reload", "");
            assertEquals(409, r.statusCode(), r.body());
            JsonNode body = JSON.readTree(r.body());
            assertFalse(body.get("reloaded").asBoolean());
            assertTrue(body.get("message").asText().contains("not an ONNX model") || body.get("message").asText().contains("failed to load"),
                    body.toString());
            Files.delete(served);
            assertTrue(server.reloadAll().get(0).contains("no such file"), "SIGHUP's reload says why too: " + server.reloadAll());
            assertEquals(sha256(FP32), listed(http).get("sha256").asText(), "the old model still serves");
            HttpResponse<byte[]> file = http.getBytes("/v1/models/" + MODEL + "/onnx");
            assertEquals(200, file.statusCode());
            assertArrayEquals(Files.readAllBytes(FP32), file.body(), "the page's in-browser mode gets the bytes that serve, not the broken file");
            assertEquals("\"" + sha256(FP32) + "\"", file.headers().firstValue("ETag").orElse(null));
            assertEquals(200, http.post("/v1/solve", body(List.of(puzzle))).statusCode());
            assertEquals(404, http.post("/v1/models/other/reload", "").statusCode());
            assertEquals(405, http.get("/v1/models/" + MODEL + "/reload").statusCode());
        }
    }

    @Test
    void aModelHandedOverLoadedHasNoFileToReloadFrom() throws Exception {
        try (TrmModel model = TrmModel.load(FP32, RuntimeConfig.cpu());
             SolveServer server = SolveServer.start(ServeConfig.defaults().withPort(0), Map.of(MODEL, model))) {
            HttpResponse<String> r = new Http(server).post("/v1/models/" + MODEL + "/reload", "");
            assertEquals(409, r.statusCode());
            assertTrue(r.body().contains("no file"), r.body());
            HttpResponse<String> file = new Http(server).get("/v1/models/" + MODEL + "/onnx");
            assertEquals(404, file.statusCode());
            assertTrue(file.body().contains("no file to send"), file.body());
        }
    }
}
