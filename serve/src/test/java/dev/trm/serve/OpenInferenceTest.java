package dev.trm.serve;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trm.data.SudokuGenerator;
import dev.trm.runtime.RuntimeConfig;
import dev.trm.runtime.TrmModel;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Open Inference Protocol v2 as its published specifications give it, field by field: the
 * KServe v2 REST data plane (kserve/open-inference-protocol, specification/protocol/inference_rest.md)
 * and Triton's binary tensor data extension (triton-inference-server/server, docs/protocol/extension_binary_data.md).
 * Section names below are those documents' headings.
 */
class OpenInferenceTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String MODEL = "sudoku";
    private static final String INFER = "/v2/models/" + MODEL + "/infer";
    private static final List<String> OUTPUTS = List.of("answer", "solved", "steps", "halt_probability", "solved_by");
    private static TrmModel model;
    private static List<String> puzzles;
    private SolveServer server;
    private Http http;

    @BeforeAll
    static void load() {
        model = TrmModel.load(Path.of(System.getProperty("trm.models.dir", "../models"), "sudoku-default.onnx"), RuntimeConfig.cpu());
        SudokuGenerator gen = new SudokuGenerator(77);
        puzzles = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            puzzles.add(gen.next(SudokuGenerator.Difficulty.givens(24, 34)).question().toLine());
        }
    }

    @AfterAll
    static void unload() {
        model.close();
    }

    @BeforeEach
    void start() throws Exception {
        server = SolveServer.start(ServeConfig.defaults().withPort(0), Map.of(MODEL, model));
        http = new Http(server);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void healthAndMetadataAnswerAsTheSpecificationSays() throws Exception {
        // "Health": the status alone says it, the bodies are empty
        for (String path : List.of("/v2/health/live", "/v2/health/ready", "/v2/models/" + MODEL + "/ready")) {
            HttpResponse<String> r = http.get(path);
            assertEquals(200, r.statusCode(), path);
            assertEquals("", r.body(), path);
        }
        // "Server Metadata": name, version, extensions
        JsonNode meta = JSON.readTree(http.get("/v2").body());
        assertEquals("trm-serve", meta.get("name").asText());
        assertTrue(meta.get("version").isTextual());
        assertTrue(meta.get("extensions").toString().contains("binary_tensor_data"));
        // "Model Metadata": name, versions, platform, inputs and outputs as metadata tensors (name, datatype, shape)
        JsonNode m = JSON.readTree(http.get("/v2/models/" + MODEL).body());
        assertEquals(MODEL, m.get("name").asText());
        assertTrue(m.get("platform").isTextual());
        assertEquals(1, m.get("inputs").size());
        assertEquals("{\"name\":\"puzzle\",\"datatype\":\"BYTES\",\"shape\":[-1]}", m.get("inputs").get(0).toString());
        List<String> outputs = new ArrayList<>();
        m.get("outputs").forEach(o -> outputs.add(o.get("name").asText() + ":" + o.get("datatype").asText()));
        assertEquals(List.of("answer:BYTES", "solved:BOOL", "steps:INT32", "halt_probability:FP32", "solved_by:BYTES"), outputs);
        String version = m.get("versions").get(0).asText();
        assertEquals(200, http.get("/v2/models/" + MODEL + "/versions/" + version).statusCode(), "a model's version path");
        assertEquals(404, http.get("/v2/models/" + MODEL + "/versions/other").statusCode());
        // "Model Metadata Response JSON Error Object": {"error": "..."} and a status
        HttpResponse<String> missing = http.get("/v2/models/nope");
        assertEquals(404, missing.statusCode());
        assertEquals(List.of("error"), fieldNames(JSON.readTree(missing.body())));
    }

    private static ObjectNode inferRequest(List<String> batch) {
        ObjectNode req = JSON.createObjectNode().put("id", "req-42");
        req.putObject("parameters").put("effort", "adaptive").put("policy", "verified+q-halt").put("seed", 3);
        ObjectNode input = req.putArray("inputs").addObject().put("name", "puzzle").put("datatype", "BYTES");
        input.putArray("shape").add(batch.size());
        ArrayNode data = input.putArray("data");
        batch.forEach(data::add);
        return req;
    }

    /** /v1/solve's solutions for the same puzzles and parameters: what every v2 answer is compared with. */
    private List<JsonNode> v1Solutions(List<String> batch) throws Exception {
        ObjectNode body = JSON.createObjectNode().put("effort", "adaptive").put("policy", "verified+q-halt").put("seed", 3);
        ArrayNode list = body.putArray("puzzles");
        batch.forEach(list::add);
        HttpResponse<String> r = http.post("/v1/solve", body.toString());
        assertEquals(200, r.statusCode(), r.body());
        List<JsonNode> out = new ArrayList<>();
        JSON.readTree(r.body()).get("solutions").forEach(out::add);
        return out;
    }

    @Test
    void aJsonInferenceAnswersWhatV1SolveAnswers() throws Exception {
        // "Inference Request JSON Object" -> "Inference Response JSON Object"
        HttpResponse<String> r = http.post(INFER, inferRequest(puzzles).toString(), "Content-Type", "application/json");
        assertEquals(200, r.statusCode(), r.body());
        JsonNode res = JSON.readTree(r.body());
        assertEquals(MODEL, res.get("model_name").asText());
        assertEquals("req-42", res.get("id").asText(), "the request's id comes back");
        List<JsonNode> v1 = v1Solutions(puzzles);
        Map<String, JsonNode> outs = new java.util.HashMap<>();
        res.get("outputs").forEach(o -> outs.put(o.get("name").asText(), o));
        assertEquals(OUTPUTS.size(), outs.size());
        for (String name : OUTPUTS) {
            JsonNode o = outs.get(name);
            assertEquals("[" + puzzles.size() + "]", o.get("shape").toString(), name);
            for (int i = 0; i < puzzles.size(); i++) {
                JsonNode expected = v1.get(i).get(name);
                JsonNode got = o.get("data").get(i);
                if (name.equals("halt_probability")) {
                    assertEquals(expected.floatValue(), got.floatValue(), name + "[" + i + "]");
                } else {
                    assertEquals(expected, got, name + "[" + i + "]");
                }
            }
        }
        // "Inference Request JSON Object", outputs: only those asked for, in the order asked
        ObjectNode some = inferRequest(puzzles.subList(0, 2));
        some.putArray("outputs").add(JSON.createObjectNode().put("name", "steps")).add(JSON.createObjectNode().put("name", "answer"));
        JsonNode two = JSON.readTree(http.post(INFER, some.toString()).body());
        assertEquals(2, two.get("outputs").size());
        assertEquals("steps", two.get("outputs").get(0).get("name").asText());
        assertEquals(v1.get(1).get("answer"), two.get("outputs").get(1).get("data").get(1));
    }

    /** Triton's binary form of a BYTES tensor: each element a 4-byte little-endian length, then its bytes. */
    private static byte[] bytesTensor(List<String> elements) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (String e : elements) {
            byte[] b = e.getBytes(StandardCharsets.UTF_8);
            out.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(b.length).array());
            out.writeBytes(b);
        }
        return out.toByteArray();
    }

    @Test
    void aBinaryInferenceInTritonsTensorFormatGetsTheSameAnswersInBinary() throws Exception {
        // "Binary Tensor Data Extension": the JSON header, then the tensors; Inference-Header-Content-Length gives the header's size
        byte[] tensor = bytesTensor(puzzles);
        ObjectNode req = inferRequest(puzzles);
        ObjectNode input = (ObjectNode) req.get("inputs").get(0);
        input.remove("data");
        input.putObject("parameters").put("binary_data_size", tensor.length);
        ArrayNode outs = req.putArray("outputs");
        OUTPUTS.forEach(n -> outs.addObject().put("name", n).putObject("parameters").put("binary_data", true));
        byte[] header = JSON.writeValueAsBytes(req);
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(header);
        body.writeBytes(tensor);
        HttpResponse<byte[]> r = http.postBytes(INFER, body.toByteArray(), "Content-Type", "application/octet-stream",
                OpenInference.HEADER_LENGTH, Integer.toString(header.length));
        assertEquals(200, r.statusCode(), new String(r.body(), StandardCharsets.UTF_8));
        int headerLength = Integer.parseInt(r.headers().firstValue(OpenInference.HEADER_LENGTH).orElseThrow());
        JsonNode res = JSON.readTree(java.util.Arrays.copyOf(r.body(), headerLength));
        ByteBuffer data = ByteBuffer.wrap(r.body(), headerLength, r.body().length - headerLength).slice().order(ByteOrder.LITTLE_ENDIAN);
        List<JsonNode> v1 = v1Solutions(puzzles);
        for (JsonNode o : res.get("outputs")) {
            String name = o.get("name").asText();
            assertFalse(o.has("data"), name + ": binary outputs carry no JSON data");
            int size = o.get("parameters").get("binary_data_size").asInt();
            ByteBuffer t = data.slice().limit(size).order(ByteOrder.LITTLE_ENDIAN);
            data.position(data.position() + size);
            for (int i = 0; i < puzzles.size(); i++) {
                JsonNode expected = v1.get(i).get(name);
                switch (o.get("datatype").asText()) {
                    case "BYTES" -> {
                        byte[] b = new byte[t.getInt()];
                        t.get(b);
                        assertEquals(expected.asText(), new String(b, StandardCharsets.UTF_8), name + "[" + i + "]");
                    }
                    case "BOOL" -> assertEquals(expected.asBoolean(), t.get() == 1, name + "[" + i + "]");
                    case "INT32" -> assertEquals(expected.asInt(), t.getInt(), name + "[" + i + "]");
                    case "FP32" -> assertEquals(expected.floatValue(), t.getFloat(), name + "[" + i + "]");
                    default -> throw new AssertionError("unexpected datatype " + o.get("datatype"));
                }
            }
            assertFalse(t.hasRemaining(), name + ": binary_data_size is exactly the tensor");
        }
        assertFalse(data.hasRemaining(), "nothing after the tensors");
        // "binary_data_output": every output binary without naming them
        ObjectNode all = inferRequest(puzzles.subList(0, 1));
        ((ObjectNode) all.get("parameters")).put("binary_data_output", true);
        HttpResponse<byte[]> r2 = http.postBytes(INFER, JSON.writeValueAsBytes(all));
        assertEquals(OpenInference.BINARY_TYPE, r2.headers().firstValue("Content-Type").orElseThrow());
        assertTrue(r2.headers().firstValue(OpenInference.HEADER_LENGTH).isPresent());
    }

    @Test
    void badInferenceRequestsGetTheProtocolsErrorObject() throws Exception {
        ObjectNode wrongName = inferRequest(puzzles.subList(0, 1));
        ((ObjectNode) wrongName.get("inputs").get(0)).put("name", "grid");
        ObjectNode wrongShape = inferRequest(puzzles.subList(0, 2));
        ((ArrayNode) wrongShape.get("inputs").get(0).get("shape")).set(0, 3);
        ObjectNode unknownParameter = inferRequest(puzzles.subList(0, 1));
        ((ObjectNode) unknownParameter.get("parameters")).put("temperature", 1);
        ObjectNode unknownOutput = inferRequest(puzzles.subList(0, 1));
        unknownOutput.putArray("outputs").addObject().put("name", "logits");
        ObjectNode badPuzzle = inferRequest(List.of("123"));
        ObjectNode badEffort = inferRequest(puzzles.subList(0, 1));
        ((ObjectNode) badEffort.get("parameters")).put("effort", "lots");
        Map<ObjectNode, String> cases = new java.util.LinkedHashMap<>();
        cases.put(wrongName, "puzzle");
        cases.put(wrongShape, "shape [3] but 2");
        cases.put(unknownParameter, "temperature");
        cases.put(unknownOutput, "logits");
        cases.put(badPuzzle, "puzzles[0]");
        cases.put(badEffort, "effort");
        for (var c : cases.entrySet()) {
            HttpResponse<String> r = http.post(INFER, c.getKey().toString());
            assertEquals(400, r.statusCode(), r.body());
            JsonNode err = JSON.readTree(r.body());
            assertEquals(List.of("error"), fieldNames(err), "the error object has the one field");
            assertTrue(err.get("error").asText().contains(c.getValue()), err.toString());
        }
        HttpResponse<byte[]> badLength = http.postBytes(INFER, "{}".getBytes(StandardCharsets.UTF_8), OpenInference.HEADER_LENGTH, "99");
        assertEquals(400, badLength.statusCode());
        assertEquals(405, http.get(INFER).statusCode());
        assertEquals(404, http.post("/v2/models/nope/infer", inferRequest(puzzles).toString()).statusCode());
    }

    /** A sample's value in Prometheus' text format. */
    static double metric(String text, String sample) {
        return text.lines().filter(l -> l.startsWith(sample + " ")).mapToDouble(l -> Double.parseDouble(l.substring(sample.length() + 1)))
                .findFirst().orElseThrow(() -> new AssertionError("no sample " + sample));
    }

    private static List<String> fieldNames(JsonNode o) {
        List<String> out = new ArrayList<>();
        for (Iterator<String> it = o.fieldNames(); it.hasNext(); ) {
            out.add(it.next());
        }
        return out;
    }

    @Test
    void v2AndV1ShareOneBatch() throws Exception {
        http.post(INFER, inferRequest(puzzles).toString());
        String metrics = http.get("/metrics").body();
        assertTrue(metrics.contains("trm_requests_total{status=\"200\"} 1.0"), "an inference is counted as a solve request");
        assertEquals(puzzles.size(), metric(metrics, "trm_queue_seconds_count{model=\"" + MODEL + "\"}"),
                "each puzzle's wait for the batch is measured");
        assertArrayEquals(new int[] {0, 0}, new int[] {server.queued(MODEL), server.lanes(MODEL)});
    }
}
