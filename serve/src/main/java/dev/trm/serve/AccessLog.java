package dev.trm.serve;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintStream;
import java.time.Instant;

/**
 * One JSON line per request on standard error: time, caller, method, path (no query), status,
 * puzzles, milliseconds and bytes sent. Headers are never written, so neither is a token.
 */
final class AccessLog {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final double NANOS_PER_MS = 1e6;
    private final PrintStream out;

    AccessLog(PrintStream out) {
        this.out = out;
    }

    void write(Call call, Reply reply, long bytes, long startNanos) {
        String line = JSON.createObjectNode().put("time", Instant.now().toString()).put("remote", call.remote())
                .put("method", call.method()).put("path", call.path()).put("status", reply.status()).put("puzzles", reply.puzzles())
                .put("ms", Math.round((System.nanoTime() - startNanos) / NANOS_PER_MS * 10) / 10.0).put("bytes", bytes)
                .toString();
        synchronized (out) {
            out.println(line);
        }
    }
}
