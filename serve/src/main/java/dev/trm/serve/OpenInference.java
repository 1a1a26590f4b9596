package dev.trm.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trm.runtime.Solution;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The Open Inference Protocol v2 (KServe's v2 REST data plane, spoken by Triton, Seldon and
 * TorchServe's KServe API) for puzzle models, with Triton's binary tensor extension.
 *
 * <p>A batch of puzzles is one {@code BYTES} input named {@code puzzle} of shape {@code [N]}; the
 * outputs are {@code answer} (BYTES), {@code solved} (BOOL), {@code steps} (INT32),
 * {@code halt_probability} (FP32) and {@code solved_by} (BYTES), each of shape {@code [N]}. Effort,
 * policy, fallback, seed and {@code timeout_ms} travel as request parameters with the meaning they
 * have in {@code POST /v1/solve}. Binary: a request whose JSON header is followed by tensor bytes
 * says so with {@code Inference-Header-Content-Length}; outputs come back binary when asked
 * ({@code binary_data} on an output, or {@code binary_data_output} on the request).
 */
final class OpenInference {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Triton's binary tensor extension: the JSON header's length, in a request or an answer. */
    static final String HEADER_LENGTH = "Inference-Header-Content-Length";
    static final String BINARY_TYPE = "application/octet-stream";
    static final String INPUT = "puzzle";
    /** Bytes of a BYTES element's length prefix (little-endian unsigned 32-bit). */
    private static final int LENGTH_PREFIX = 4;
    /** Request parameters that belong to the protocol, not to the solve. */
    private static final List<String> PROTOCOL_PARAMETERS = List.of("binary_data_output");
    /** The solve fields a request's parameters may carry. */
    private static final List<String> SOLVE_PARAMETERS = List.of("effort", "policy", "fallback", "seed", "timeout_ms");

    /** One output: its datatype and how a solution gives its value. */
    private record Output(String datatype, Function<Solution, Object> value) {
    }

    private static final Map<String, Output> OUTPUTS = outputs();

    private static Map<String, Output> outputs() {
        Map<String, Output> m = new LinkedHashMap<>();
        m.put("answer", new Output("BYTES", Solution::answer));
        m.put("solved", new Output("BOOL", Solution::solved));
        m.put("steps", new Output("INT32", Solution::steps));
        m.put("halt_probability", new Output("FP32", s -> s.haltProbabilities()[s.haltProbabilities().length - 1]));
        m.put("solved_by", new Output("BYTES", Solution::solvedBy));
        return m;
    }

    /**
     * A decoded inference request.
     *
     * @param id      the caller's id, echoed back (null when none)
     * @param body    the equivalent {@code /v1/solve} body (puzzles and solve parameters)
     * @param outputs the outputs asked for, in order, each with whether it goes back binary
     */
    record Infer(String id, ObjectNode body, Map<String, Boolean> outputs) {
    }

    private OpenInference() {
    }

    /** {@code GET /v2}: the server's metadata. */
    static ObjectNode serverMetadata(String version) {
        ObjectNode o = JSON.createObjectNode().put("name", "trm-serve").put("version", version);
        o.putArray("extensions").add("binary_tensor_data").add("parameters");
        return o;
    }

    /** {@code GET /v2/models/{name}}: the model's metadata, with its SHA-256 and load time as parameters. */
    static ObjectNode modelMetadata(ServedModels.Entry e) {
        ObjectNode o = JSON.createObjectNode().put("name", e.name());
        o.putArray("versions").add(e.served().version());
        o.put("platform", "onnxruntime_onnx");
        tensor(o.putArray("inputs").addObject(), INPUT, "BYTES");
        ArrayNode outs = o.putArray("outputs");
        OUTPUTS.forEach((name, out) -> tensor(outs.addObject(), name, out.datatype()));
        ObjectNode p = o.putObject("parameters").put("task", e.served().model().info().task()).put("loaded_at", e.served().loadedAt().toString());
        if (e.served().sha256() != null) {
            p.put("sha256", e.served().sha256());
        }
        return o;
    }

    private static void tensor(ObjectNode t, String name, String datatype) {
        t.put("name", name).put("datatype", datatype).putArray("shape").add(-1);
    }

    /** Reads an inference request (JSON, or JSON then binary tensors), checked field by field. */
    static Infer decode(Call call, String model) {
        byte[] all = call.body();
        int headerLength = headerLength(call.header(HEADER_LENGTH), all.length);
        JsonNode req = SolveRequest.object(Arrays.copyOf(all, headerLength));
        ByteBuffer binary = ByteBuffer.wrap(all, headerLength, all.length - headerLength).slice().order(ByteOrder.LITTLE_ENDIAN);
        JsonNode inputs = req.get("inputs");
        if (inputs == null || !inputs.isArray() || inputs.size() != 1) {
            throw bad("inputs: exactly one input, '" + INPUT + "' (BYTES, shape [N]: one puzzle string each)");
        }
        List<String> puzzles = puzzles(inputs.get(0), binary);
        if (binary.hasRemaining()) {
            throw bad("the body has " + binary.remaining() + " bytes after the tensors its header describes");
        }
        ObjectNode body = JSON.createObjectNode();
        ArrayNode list = body.putArray("puzzles");
        puzzles.forEach(list::add);
        body.put("model", model);
        JsonNode params = req.get("parameters");
        boolean binaryOutput = false;
        if (params != null) {
            if (!params.isObject()) {
                throw bad("parameters: not an object");
            }
            for (var it = params.fields(); it.hasNext(); ) {
                var f = it.next();
                if (SOLVE_PARAMETERS.contains(f.getKey())) {
                    body.set(f.getKey(), f.getValue());
                } else if (PROTOCOL_PARAMETERS.contains(f.getKey())) {
                    binaryOutput = f.getValue().asBoolean(false);
                } else {
                    throw bad("parameters: unknown parameter '" + f.getKey() + "' (known: " + SOLVE_PARAMETERS + " and " + PROTOCOL_PARAMETERS + ")");
                }
            }
        }
        JsonNode id = req.get("id");
        return new Infer(id == null ? null : id.asText(), body, requestedOutputs(req.get("outputs"), binaryOutput));
    }

    private static int headerLength(String header, int bodyLength) {
        if (header == null) {
            return bodyLength;
        }
        try {
            int n = Integer.parseInt(header.trim());
            if (n < 0 || n > bodyLength) {
                throw bad(HEADER_LENGTH + ": " + n + " is not within the body's " + bodyLength + " bytes");
            }
            return n;
        } catch (NumberFormatException e) {
            throw bad(HEADER_LENGTH + ": not a number: '" + header + "'");
        }
    }

    private static List<String> puzzles(JsonNode input, ByteBuffer binary) {
        if (!INPUT.equals(input.path("name").asText()) || !"BYTES".equals(input.path("datatype").asText())) {
            throw bad("inputs[0]: expected name '" + INPUT + "' and datatype BYTES, got " + input.path("name") + " and " + input.path("datatype"));
        }
        JsonNode shape = input.get("shape");
        if (shape == null || !shape.isArray() || shape.size() != 1 || !shape.get(0).canConvertToInt() || shape.get(0).asInt() < 1) {
            throw bad("inputs[0].shape: expected [N], N puzzles, got " + shape);
        }
        int n = shape.get(0).asInt();
        JsonNode size = input.path("parameters").get("binary_data_size");
        List<String> out = size != null ? binaryStrings(binary, size, n) : jsonStrings(input.get("data"));
        if (out.size() != n) {
            throw bad("inputs[0]: shape [" + n + "] but " + out.size() + " elements");
        }
        return out;
    }

    private static List<String> jsonStrings(JsonNode data) {
        if (data == null || !data.isArray()) {
            throw bad("inputs[0].data: required (or binary_data_size with the binary extension), a list of puzzle strings");
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < data.size(); i++) {
            if (!data.get(i).isTextual()) {
                throw bad("inputs[0].data[" + i + "]: not a string");
            }
            out.add(data.get(i).asText());
        }
        return out;
    }

    /** BYTES elements in Triton's binary form: each a 4-byte little-endian length, then its bytes. */
    private static List<String> binaryStrings(ByteBuffer binary, JsonNode size, int n) {
        if (!size.canConvertToInt() || size.asInt() < 0 || size.asInt() > binary.remaining()) {
            throw bad("inputs[0].parameters.binary_data_size: " + size + " but " + binary.remaining() + " bytes follow the header");
        }
        ByteBuffer b = binary.slice().limit(size.asInt()).order(ByteOrder.LITTLE_ENDIAN);
        binary.position(binary.position() + size.asInt());
        List<String> out = new ArrayList<>();
        while (b.hasRemaining() && out.size() <= n) {
            if (b.remaining() < LENGTH_PREFIX) {
                throw bad("inputs[0]: binary element " + out.size() + " is cut off in its length");
            }
            int len = b.getInt();
            if (len < 0 || len > b.remaining()) {
                throw bad("inputs[0]: binary element " + out.size() + " says " + Integer.toUnsignedString(len) + " bytes, " + b.remaining() + " are left");
            }
            byte[] bytes = new byte[len];
            b.get(bytes);
            try {
                out.add(StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .decode(ByteBuffer.wrap(bytes)).toString());
            } catch (CharacterCodingException e) {
                throw bad("inputs[0]: binary element " + out.size() + " is not UTF-8");
            }
        }
        return out;
    }

    private static Map<String, Boolean> requestedOutputs(JsonNode outputs, boolean binaryDefault) {
        Map<String, Boolean> out = new LinkedHashMap<>();
        if (outputs == null) {
            OUTPUTS.keySet().forEach(name -> out.put(name, binaryDefault));
            return out;
        }
        if (!outputs.isArray()) {
            throw bad("outputs: not a list");
        }
        for (JsonNode o : outputs) {
            String name = o.path("name").asText();
            if (!OUTPUTS.containsKey(name)) {
                throw bad("outputs: no output '" + name + "' (have " + OUTPUTS.keySet() + ")");
            }
            out.put(name, o.path("parameters").path("binary_data").asBoolean(binaryDefault));
        }
        return out;
    }

    /** The answer: JSON, or (when any output goes binary) the JSON header then the binary tensors. */
    static Reply encode(Infer infer, ServedModels.Entry model, List<Solution> solutions) {
        ObjectNode head = JSON.createObjectNode().put("model_name", model.name()).put("model_version", model.served().version());
        if (infer.id() != null) {
            head.put("id", infer.id());
        }
        ArrayNode outs = head.putArray("outputs");
        ByteArrayOutputStream binary = new ByteArrayOutputStream();
        infer.outputs().forEach((name, asBinary) -> {
            Output spec = OUTPUTS.get(name);
            ObjectNode o = outs.addObject().put("name", name).put("datatype", spec.datatype());
            o.putArray("shape").add(solutions.size());
            if (asBinary) {
                byte[] bytes = binaryTensor(spec, solutions);
                o.putObject("parameters").put("binary_data_size", bytes.length);
                binary.writeBytes(bytes);
            } else {
                ArrayNode data = o.putArray("data");
                solutions.forEach(s -> data.addPOJO(spec.value().apply(s)));
            }
        });
        Reply json = Reply.json(ApiError.OK, head).withPuzzles(solutions.size());
        if (binary.size() == 0) {
            return json;
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(json.body());
        body.writeBytes(binary.toByteArray());
        return new Reply(ApiError.OK, BINARY_TYPE, Map.of(HEADER_LENGTH, Integer.toString(json.body().length)), body.toByteArray(),
                solutions.size());
    }

    private static byte[] binaryTensor(Output spec, List<Solution> solutions) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Solution s : solutions) {
            Object v = spec.value().apply(s);
            switch (spec.datatype()) {
                case "BYTES" -> {
                    byte[] b = ((String) v).getBytes(StandardCharsets.UTF_8);
                    out.writeBytes(ByteBuffer.allocate(LENGTH_PREFIX).order(ByteOrder.LITTLE_ENDIAN).putInt(b.length).array());
                    out.writeBytes(b);
                }
                case "BOOL" -> out.write((Boolean) v ? 1 : 0);
                case "INT32" -> out.writeBytes(ByteBuffer.allocate(Integer.BYTES).order(ByteOrder.LITTLE_ENDIAN).putInt((Integer) v).array());
                case "FP32" -> out.writeBytes(ByteBuffer.allocate(Float.BYTES).order(ByteOrder.LITTLE_ENDIAN).putFloat(((Number) v).floatValue()).array());
                default -> throw new IllegalStateException("no binary form for " + spec.datatype());
            }
        }
        return out.toByteArray();
    }

    /** The protocol's error body: {@code {"error": "..."}} only. */
    static Reply error(ApiError e) {
        Reply r = Reply.json(e.status, JSON.createObjectNode().put("error", e.getMessage()));
        return e.status == ApiError.UNAUTHORIZED ? r.withHeader("WWW-Authenticate", "Bearer") : r;
    }

    private static ApiError bad(String message) {
        return new ApiError(ApiError.BAD_REQUEST, message);
    }
}
