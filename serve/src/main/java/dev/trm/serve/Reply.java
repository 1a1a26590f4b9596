package dev.trm.serve;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An answer to a {@link Call}: status, content type, extra headers and body, and the number of
 * puzzles it answered (for the access log); or, for a stream, a body written in parts as they come.
 *
 * @param streamed null for a whole body; else what writes the parts
 */
record Reply(int status, String contentType, Map<String, String> headers, byte[] body, int puzzles, Streamed streamed) {
    /** A body written in parts, as they come, through the sink the connection gives it. */
    interface Streamed {
        /** Starts writing: parts go to {@code sink} until it calls {@link EventSink#end()}. */
        void open(EventSink sink);
    }

    /** Where a streamed body's parts go; safe to call from any thread, and never blocks. */
    interface EventSink {
        /** Whether the connection takes more now (its buffer is below its bound); parts that may be dropped are dropped when not. */
        boolean writable();

        /** Sends a part, made on the connection's own thread (so that the sender only hands it over). */
        void send(java.util.function.Supplier<byte[]> part);

        /** The body is complete. */
        void end();
    }
    static final String JSON_TYPE = "application/json";
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Seconds a refused caller is told to wait ({@code Retry-After}). */
    private static final String RETRY_AFTER_SECONDS = "1";

    Reply {
        headers = Map.copyOf(headers);
    }

    Reply(int status, String contentType, Map<String, String> headers, byte[] body, int puzzles) {
        this(status, contentType, headers, body, puzzles, null);
    }

    /** A 200 whose body is written in parts as they come. */
    static Reply stream(String contentType, int puzzles, Streamed body) {
        return new Reply(ApiError.OK, contentType, Map.of("Cache-Control", "no-cache"), new byte[0], puzzles, body);
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
        return new Reply(status, contentType, h, body, puzzles, streamed);
    }

    Reply withPuzzles(int n) {
        return new Reply(status, contentType, headers, body, n, streamed);
    }
}
