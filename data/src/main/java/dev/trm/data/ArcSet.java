package dev.trm.data;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trm.task.PuzzleException;
import dev.trm.task.arc.ArcGrid;
import dev.trm.task.arc.ArcPair;
import dev.trm.task.arc.ArcTask;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * ARC tasks as one JSON object keyed by task id:
 * {@code {id: {"train": [{"input": grid, "output": grid}, ...], "test": [...]}}}. A test pair may
 * lack its output (withheld answers). Errors name the task id and the path inside it.
 */
public final class ArcSet {
    /** Strict: nothing after the object, no task id twice. */
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private ArcSet() {
    }

    /** Reads every task in file order. */
    public static Map<String, ArcTask> read(Path file) {
        JsonNode root;
        try (InputStream in = PuzzleCsv.open(file)) {
            root = JSON.readTree(in);
        } catch (JsonProcessingException e) {
            String at = e.getLocation() == null ? "" : e.getLocation().getLineNr() + ":" + e.getLocation().getColumnNr();
            throw new DataFormatException(file, at, "malformed JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new DataFormatException(file, "", "cannot read: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new DataFormatException(file, "", "expected a JSON object keyed by task id");
        }
        Map<String, ArcTask> tasks = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> it = root.properties().iterator();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            String where = "task " + e.getKey();
            JsonNode task = e.getValue();
            if (!task.isObject()) {
                throw new DataFormatException(file, where, "expected an object with 'train' and 'test'");
            }
            List<ArcPair> train = pairs(file, where, task, "train", true);
            List<ArcPair> test = pairs(file, where, task, "test", false);
            if (train.isEmpty() || test.isEmpty()) {
                throw new DataFormatException(file, where, "'" + (train.isEmpty() ? "train" : "test")
                        + "' is empty: a task needs demonstration pairs and test inputs");
            }
            tasks.put(e.getKey(), new ArcTask(e.getKey(), train, test));
        }
        if (tasks.isEmpty()) {
            throw new DataFormatException(file, "", "no tasks in it (expected {\"task id\": {\"train\": [...], \"test\": [...]}})");
        }
        return tasks;
    }

    private static List<ArcPair> pairs(Path file, String where, JsonNode task, String split, boolean outputRequired) {
        JsonNode list = task.get(split);
        if (list == null || !list.isArray()) {
            throw new DataFormatException(file, where, "'" + split + "' must be a list of pairs");
        }
        List<ArcPair> out = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            String at = split + "[" + i + "]";
            JsonNode pair = list.get(i);
            if (!pair.isObject()) {
                throw new DataFormatException(file, where, at + " must be an object with 'input' and 'output'");
            }
            ArcGrid input = grid(file, where, at + ".input", pair.get("input"));
            JsonNode outNode = pair.get("output");
            if (outNode == null && outputRequired) {
                throw new DataFormatException(file, where, at + ".output is missing");
            }
            ArcGrid output = outNode == null ? null : grid(file, where, at + ".output", outNode);
            out.add(new ArcPair(input, output));
        }
        return out;
    }

    private static ArcGrid grid(Path file, String where, String at, JsonNode node) {
        if (node == null || !node.isArray() || node.size() == 0) {
            throw new DataFormatException(file, where, at + " must be a non-empty list of rows");
        }
        int[][] rows = new int[node.size()][];
        for (int r = 0; r < rows.length; r++) {
            JsonNode row = node.get(r);
            if (!row.isArray()) {
                throw new DataFormatException(file, where, at + " row " + r + " is not a list");
            }
            rows[r] = new int[row.size()];
            for (int c = 0; c < row.size(); c++) {
                JsonNode v = row.get(c);
                if (v.isIntegralNumber() && !v.canConvertToInt()) {
                    throw new DataFormatException(file, where, at + " cell (" + r + "," + c + ") is " + v + ": expected a colour 0..9");
                }
                if (!v.isIntegralNumber()) {
                    throw new DataFormatException(file, where, at + " cell (" + r + "," + c + ") is " + v + ", not an integer");
                }
                rows[r][c] = v.asInt();
            }
        }
        try {
            return ArcGrid.of(rows);
        } catch (PuzzleException e) {
            throw new DataFormatException(file, where, at + ": " + e.getMessage(), e);
        }
    }

    /** Writes tasks in the same layout, atomically. */
    public static void write(Path file, Map<String, ArcTask> tasks) throws IOException {
        AtomicFile.write(file, out -> {
            try (JsonGenerator g = JSON.getFactory().createGenerator(out)) {
                g.writeStartObject();
                for (ArcTask t : tasks.values()) {
                    g.writeObjectFieldStart(t.id());
                    writePairs(g, "train", t.train());
                    writePairs(g, "test", t.test());
                    g.writeEndObject();
                }
                g.writeEndObject();
            }
        });
    }

    private static void writePairs(JsonGenerator g, String name, List<ArcPair> pairs) throws IOException {
        g.writeArrayFieldStart(name);
        for (ArcPair p : pairs) {
            g.writeStartObject();
            writeGrid(g, "input", p.input());
            if (p.hasOutput()) {
                writeGrid(g, "output", p.output());
            }
            g.writeEndObject();
        }
        g.writeEndArray();
    }

    private static void writeGrid(JsonGenerator g, String name, ArcGrid grid) throws IOException {
        g.writeArrayFieldStart(name);
        for (int r = 0; r < grid.height(); r++) {
            g.writeStartArray();
            for (int c = 0; c < grid.width(); c++) {
                g.writeNumber(grid.get(r, c));
            }
            g.writeEndArray();
        }
        g.writeEndArray();
    }
}
