package dev.trm.serve;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An answer to a {@link Call}: status, content type, extra headers and body, and the number of
 * puzzles it answered (for the access log).
 */
record Reply(int status, String contentType, Map<String, String> headers, byte[] body, int puzzles) {
    static final String JSON_TYPE = "application/json";
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Seconds a refused caller is told to wait ({@code Retry-After}). */
    private static final String RETRY_AFTER_SECONDS = "1";

    Reply {
        headers = Map.copyOf(headers);
    }

    static Reply json(int status, JsonNode body) {
        try {
            return new Reply(status, JSON_TYPE, Map.of(), JSON.writeValueAsBytes(body), 0);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree that Jackson cannot write", e);
        }
    }

    /** A status with no body (the Open Inference Protocol's health answers). */
    static Reply empty(int status) {
        return new Reply(status, JSON_TYPE, Map.of(), new byte[0], 0);
    }

    /** {@code {"error": "...", "index": N}}, with {@code Retry-After} where waiting helps. */
    static Reply error(ApiError e) {
        ObjectNode body = JSON.createObjectNode().put("error", e.getMessage());
        if (e.index != null) {
            body.put("index", e.index);
        }
        Reply reply = json(e.status, body);
        if (e.status == ApiError.TOO_MANY || e.status == ApiError.UNAVAILABLE) {
            reply = reply.withHeader("Retry-After", RETRY_AFTER_SECONDS);
        }
        return e.status == ApiError.UNAUTHORIZED ? reply.withHeader("WWW-Authenticate", "Bearer") : reply;
    }

    Reply withHeader(String name, String value) {
        Map<String, String> h = new LinkedHashMap<>(headers);
        h.put(name, value);
        return new Reply(status, contentType, h, body, puzzles);
    }

    Reply withPuzzles(int n) {
        return new Reply(status, contentType, headers, body, n);
    }
}
