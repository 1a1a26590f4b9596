package dev.trm.serve;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trm.runtime.Solution;
import dev.trm.runtime.StepState;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The body of {@code POST /v1/solve/stream}: Server-Sent Events as a request's puzzles think.
 * {@code event: step} for every supervision step of every copy (answer, halt probability, the cells
 * that changed since that copy's last step, each cell's confidence), {@code event: solution} when a
 * puzzle finishes (the fields of a {@code /v1/solve} solution and its index), then {@code event: done};
 * or {@code event: error} (the JSON error of {@code /v1/solve} with its status) and the end.
 *
 * <p>Never slows the batch: events are handed to the connection without waiting. When the caller
 * reads slower than steps come (the connection's buffer is past its bound), step events are dropped
 * and the next one sent says how many ({@code "dropped": N}), the done or error event how many in
 * all ({@code "dropped_steps"}); solution, error and done events are never dropped. Before the connection takes the body, up to {@link #EARLY_STEPS} step events wait.
 */
final class StepStream implements Scheduler.Listener, Reply.Streamed {
    static final String TYPE = "text/event-stream; charset=utf-8";
    /** Step events kept while the connection has not taken the body yet. */
    static final int EARLY_STEPS = 256;
    /** Digits a confidence is rounded to. */
    private static final double CONFIDENCE_SCALE = 1000.0;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<String> puzzles;
    /** Each copy's last answer, by puzzle index and copy. Scheduler thread only. */
    private final Map<Long, String> last = new HashMap<>();
    /** The steps heard since the last step's end. Scheduler thread only. */
    private final List<Step> heard = new ArrayList<>();
    /** Events written before the connection took the body. Guarded by this. */
    private final List<Supplier<byte[]>> early = new ArrayList<>();
    private Reply.EventSink sink;
    private int earlySteps;
    private long dropped;
    private long droppedInAll;
    private boolean ended;

    StepStream(List<String> puzzles) {
        this.puzzles = puzzles;
    }

    @Override
    public synchronized void open(Reply.EventSink to) {
        sink = to;
        early.forEach(to::send);
        early.clear();
        if (ended) {
            to.end();
        }
    }

    /** What a step event says, taken on the scheduler's thread; its JSON is written on the connection's. */
    private record Step(int index, int copy, int step, String answer, float haltProbability, String previous, float[] confidence) {
        ObjectNode json() {
            ObjectNode o = JSON.createObjectNode().put("index", index).put("copy", copy).put("step", step).put("answer", answer)
                    .put("halt_probability", haltProbability);
            ArrayNode changed = o.putArray("changed");
            for (int c = 0; c < answer.length() && c < previous.length(); c++) {
                if (answer.charAt(c) != previous.charAt(c)) {
                    changed.add(c);
                }
            }
            if (confidence != null) {
                ArrayNode conf = o.putArray("confidence");
                for (float p : confidence) {
                    conf.add(Math.round(p * CONFIDENCE_SCALE) / CONFIDENCE_SCALE);
                }
            } else {
                o.putNull("confidence"); // a copy under an augmentation: its cells are in another frame
            }
            return o;
        }
    }

    @Override
    public void onStep(int index, StepState state) {
        String before = last.put(((long) index << Integer.SIZE) | state.copy(), state.answer());
        String previous = before != null ? before : puzzles.get(index); // a first step: against the puzzle as given
        heard.add(new Step(index, state.copy(), state.step(), state.answer(), state.haltProbability(), previous, state.confidence()));
    }

    @Override
    public void onSolution(int index, Solution solution) {
        onStepEnd(); // its steps go first
        ObjectNode o = JSON.createObjectNode().put("index", index);
        o.setAll(SolutionJson.of("puzzles[" + index + "]", solution));
        send("solution", List.of(() -> o), false);
    }

    /** The step's events go out as one part: one hand-over to the connection per step, not one per copy. */
    @Override
    public void onStepEnd() {
        if (!heard.isEmpty()) {
            List<Supplier<ObjectNode>> steps = new ArrayList<>();
            heard.forEach(step -> steps.add(step::json));
            heard.clear();
            send("step", steps, true);
        }
    }

    /** Every puzzle has its solution. */
    void done(int solved) {
        send("done", List.of(() -> JSON.createObjectNode().put("puzzles", puzzles.size()).put("solved", solved)), false);
        end();
    }

    /** The request failed (a passed deadline, a failed step, a drain): the error, then the end. */
    void error(ApiError e) {
        ObjectNode o = JSON.createObjectNode().put("status", e.status).put("error", e.getMessage());
        send("error", List.of(() -> o), false);
        end();
    }

    /**
     * Sends events of one kind as one part, or drops droppable ones the connection cannot take now;
     * their JSON is made where they are written.
     */
    private synchronized void send(String event, List<Supplier<ObjectNode>> data, boolean droppable) {
        if (ended) {
            return;
        }
        if (droppable && (sink != null ? !sink.writable() : earlySteps >= EARLY_STEPS)) {
            dropped += data.size();
            droppedInAll += data.size();
            return;
        }
        long droppedBefore = droppable ? dropped : 0;
        long droppedTotal = droppedInAll;
        dropped = droppable ? 0 : dropped;
        Supplier<byte[]> bytes = () -> {
            StringBuilder part = new StringBuilder();
            for (int i = 0; i < data.size(); i++) {
                ObjectNode o = data.get(i).get();
                if (event.equals("done") || event.equals("error")) {
                    o.put("dropped_steps", droppedTotal);
                }
                if (i == 0 && droppedBefore > 0) {
                    o.put("dropped", droppedBefore);
                }
                part.append("event: ").append(event).append("\ndata: ").append(o).append("\n\n");
            }
            return part.toString().getBytes(StandardCharsets.UTF_8);
        };
        if (sink == null) {
            early.add(bytes);
            earlySteps += droppable ? data.size() : 0;
        } else {
            sink.send(bytes);
        }
    }

    private synchronized void end() {
        if (!ended) {
            ended = true;
            if (sink != null) {
                sink.end();
            }
        }
    }
}
