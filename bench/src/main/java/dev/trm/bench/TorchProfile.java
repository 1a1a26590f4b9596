package dev.trm.bench;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * PyTorch's own profiler around a block of work (through DJL), and where the time went: each
 * operator's self time (its duration minus that of the operators it called), summed by name.
 * The trace file it writes opens in chrome://tracing or Perfetto.
 */
public final class TorchProfile {
    /** An operator's share: calls and self time. */
    public record Row(String name, long calls, double selfMillis, double share) {
    }

    private TorchProfile() {
    }

    /** Runs {@code work} under the profiler, writes the trace to {@code trace} and returns the operators by self time. */
    public static List<Row> record(Path trace, Runnable work) throws IOException {
        Engine.getEngine("PyTorch");
        JniUtils.startProfile(false, true, false);
        try {
            work.run();
        } finally {
            JniUtils.stopProfile(trace.toAbsolutePath().toString());
        }
        return selfTimes(new ObjectMapper().readTree(trace.toFile()));
    }

    /** Self time per operator name from a Chrome trace: complete events ("ph": "X"), nested per thread by time. */
    static List<Row> selfTimes(JsonNode root) {
        Map<Long, List<JsonNode>> byThread = new HashMap<>();
        for (JsonNode e : root.path("traceEvents")) {
            if ("X".equals(e.path("ph").asText()) && e.has("dur")) {
                byThread.computeIfAbsent(e.path("tid").asLong(), k -> new ArrayList<>()).add(e);
            }
        }
        Map<String, double[]> totals = new LinkedHashMap<>(); // name -> {calls, self microseconds}
        double all = 0;
        for (List<JsonNode> events : byThread.values()) {
            events.sort(Comparator.comparingDouble((JsonNode e) -> e.path("ts").asDouble())
                    .thenComparing(e -> -e.path("dur").asDouble()));
            Deque<double[]> open = new ArrayDeque<>(); // {end, index}
            double[] self = new double[events.size()];
            for (int i = 0; i < events.size(); i++) {
                JsonNode e = events.get(i);
                double start = e.path("ts").asDouble();
                double dur = e.path("dur").asDouble();
                while (!open.isEmpty() && open.peek()[0] <= start) {
                    open.pop();
                }
                self[i] = dur;
                if (!open.isEmpty()) {
                    self[(int) open.peek()[1]] -= dur;
                }
                open.push(new double[] {start + dur, i});
            }
            for (int i = 0; i < events.size(); i++) {
                double[] t = totals.computeIfAbsent(events.get(i).path("name").asText(), k -> new double[2]);
                t[0]++;
                t[1] += self[i];
                all += self[i];
            }
        }
        List<Row> rows = new ArrayList<>();
        for (Map.Entry<String, double[]> t : totals.entrySet()) {
            rows.add(new Row(t.getKey(), (long) t.getValue()[0], t.getValue()[1] / 1000, all > 0 ? t.getValue()[1] / all : 0));
        }
        rows.sort(Comparator.comparingDouble(Row::selfMillis).reversed());
        return rows;
    }
}
