package dev.trm.serve;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trm.runtime.Effort;
import dev.trm.runtime.InvalidPuzzleException;
import dev.trm.runtime.Question;
import dev.trm.runtime.Solution;
import dev.trm.runtime.SolveConfig;
import dev.trm.runtime.TrmModel;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The body of {@code POST /v1/solve}, decoded and checked: which model, the puzzles parsed by its
 * task, how to solve them and the deadline. Every field's error is a 400 ({@link ApiError}) naming
 * the field (and the puzzle's index); too many puzzles is a 413.
 *
 * <pre>{"puzzles": ["..."], "model": "NAME", "effort": "adaptive", "policy": "verified+q-halt",
 *  "fallback": "none", "seed": 0, "timeout_ms": 30000}</pre>
 *
 * <p>{@link #answer} writes the body of its answer.
 */
record SolveRequest(String model, List<Question> puzzles, SolveConfig config, Duration timeout) {
    /** Strict JSON: one value, and a key given twice is an error (not "the last one wins"). */
    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(com.fasterxml.jackson.core.JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    /** The fields a solve request may have. */
    static final List<String> FIELDS = List.of("puzzles", "effort", "policy", "fallback", "model", "timeout_ms", "seed");

    /**
     * Decodes a body.
     *
     * @param models       the models served, by name (the first is the default)
     * @param limits       the server's bounds (puzzles per request, the default deadline)
     */
    static SolveRequest decode(byte[] bytes, Map<String, TrmModel> models, ServeConfig limits) {
        return decode(object(bytes), models, limits);
    }

    /** Decodes a body already read as JSON (the Open Inference Protocol's request, its fields gathered). */
    static SolveRequest decode(JsonNode body, Map<String, TrmModel> models, ServeConfig limits) {
        knownFields(body);
        String name = text(body, "model", models.keySet().iterator().next());
        TrmModel model = models.get(name);
        if (model == null) {
            throw new ApiError(ApiError.BAD_REQUEST, "model: no model '" + name + "' (have " + models.keySet() + ")");
        }
        SolveConfig config = config(body);
        withinLimits(config, model, limits.limits());
        return new SolveRequest(name, puzzles(body, model, limits.maxRequestSize()), config,
                timeout(body, limits.timeout(), limits.limits().maxTimeout()));
    }

    /** The body as a JSON object with known fields only; its bytes must be well-formed UTF-8 (no overlong forms). */
    static JsonNode object(byte[] bytes) {
        String text;
        try {
            text = java.nio.charset.StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
                    .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(bytes)).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new ApiError(ApiError.BAD_REQUEST, "not JSON: the body is not well-formed UTF-8");
        }
        try {
            JsonNode body = JSON.readTree(text);
            if (body == null || !body.isObject()) {
                throw new ApiError(ApiError.BAD_REQUEST, "the body must be a JSON object such as {\"puzzles\": [\"...\"]}");
            }
            return body;
        } catch (JsonProcessingException e) {
            String at = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
            throw new ApiError(ApiError.BAD_REQUEST, "not JSON: " + e.getOriginalMessage() + at); // too deep or too long a number too
        } catch (IOException e) {
            throw new ApiError(ApiError.BAD_REQUEST, "the body cannot be read: " + e.getMessage());
        }
    }

    private static void knownFields(JsonNode body) {
        body.fieldNames().forEachRemaining(f -> {
            if (!FIELDS.contains(f)) {
                throw new ApiError(ApiError.BAD_REQUEST, "unknown field '" + f + "' (known: " + FIELDS + ")");
            }
        });
    }

    /** The puzzles, each parsed by the model's task; a bad one is named by its index. */
    private static List<Question> puzzles(JsonNode body, TrmModel model, int most) {
        JsonNode list = body.get("puzzles");
        if (list == null || !list.isArray() || list.isEmpty()) {
            throw new ApiError(ApiError.BAD_REQUEST, "puzzles: required, a non-empty list of puzzle strings");
        }
        if (list.size() > most) {
            throw new ApiError(ApiError.TOO_LARGE, "puzzles: " + list.size() + " in one request, the limit is " + most);
        }
        List<Question> out = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            JsonNode p = list.get(i);
            if (!p.isTextual()) {
                throw new ApiError(ApiError.BAD_REQUEST, "puzzles[" + i + "]: not a string", i);
            }
            try {
                out.add(model.task().parse(p.asText()));
            } catch (InvalidPuzzleException e) {
                throw new ApiError(ApiError.BAD_REQUEST, "puzzles[" + i + "]: " + e.getMessage(), i);
            }
        }
        return out;
    }

    private static SolveConfig config(JsonNode body) {
        JsonNode seed = body.get("seed");
        if (seed != null && (!seed.isIntegralNumber() || !seed.canConvertToLong())) {
            throw new ApiError(ApiError.BAD_REQUEST, "seed: not a whole number: " + seed);
        }
        try {
            return SolveConfig.parse(text(body, "policy", SolveConfig.DEFAULT_POLICY), text(body, "effort", SolveConfig.DEFAULT_EFFORT),
                    text(body, "fallback", SolveConfig.DEFAULT_FALLBACK), seed == null ? Effort.DEFAULT_SEED : seed.asLong());
        } catch (IllegalArgumentException e) {
            throw new ApiError(ApiError.BAD_REQUEST, e.getMessage());
        }
    }

    /** The effort's copies and steps per copy within the server's limits (an effort's lanes are memory and time). */
    private static void withinLimits(SolveConfig config, TrmModel model, ServeConfig.Limits limits) {
        int copies = config.effort().maxCopies();
        if (copies > limits.maxCopies()) {
            throw new ApiError(ApiError.BAD_REQUEST, "effort: " + copies + " copies of a puzzle, this server allows at most "
                    + limits.maxCopies() + " (--max-copies)");
        }
        int steps = config.effort().maxStepsPerCopy(model.info().haltMaxSteps());
        if (steps > limits.maxStepsPerCopy()) {
            throw new ApiError(ApiError.BAD_REQUEST, "effort: " + steps + " steps per copy, this server allows at most "
                    + limits.maxStepsPerCopy() + " (--max-steps)");
        }
    }

    private static Duration timeout(JsonNode body, Duration otherwise, Duration most) {
        JsonNode t = body.get("timeout_ms");
        if (t == null) {
            return otherwise;
        }
        if (!t.canConvertToLong() || !t.isIntegralNumber() || t.asLong() < 1 || t.asLong() > most.toMillis()) {
            throw new ApiError(ApiError.BAD_REQUEST, "timeout_ms: a whole number of milliseconds from 1 to " + most.toMillis()
                    + " (--max-timeout), got " + t);
        }
        return Duration.ofMillis(t.asLong());
    }

    private static String text(JsonNode body, String field, String otherwise) {
        JsonNode v = body.get(field);
        if (v == null) {
            return otherwise;
        }
        if (!v.isTextual()) {
            throw new ApiError(ApiError.BAD_REQUEST, field + ": not a string: " + v);
        }
        return v.asText();
    }

    /**
     * The answer's body for this request's outcome: the solutions in order; when the deadline passed,
     * the error too, with the solutions that finished in time (null for the others).
     */
    ObjectNode answer(Scheduler.Outcome outcome) {
        ArrayNode solutions = JSON.createArrayNode();
        for (int i = 0; i < outcome.solutions().size(); i++) {
            Solution s = outcome.solutions().get(i);
            solutions.add(s == null ? JSON.nullNode() : SolutionJson.of("puzzles[" + i + "]", s));
        }
        ObjectNode body = JSON.createObjectNode();
        if (outcome.deadlinePassed()) {
            body.put("error", "the deadline of " + timeout.toMillis() + " ms passed: " + outcome.finished() + " of " + puzzles.size()
                    + " puzzles finished (their solutions are here; the others were taken out of the batch)");
        }
        body.set("solutions", solutions);
        return body;
    }
}
