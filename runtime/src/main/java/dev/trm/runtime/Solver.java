package dev.trm.runtime;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.Buffer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Drives the recursion for one batch of puzzles, one supervision step per {@link #step()}, in the
 * shape of a generation loop: {@code while (!solver.isDone()) solver.step();}.
 *
 * <p>Each puzzle runs as one or more copies (lanes of the batch), as its {@link Effort} allows: a
 * copy stops when the halting policy fires or its step budget is spent; a copy whose answer the
 * task's checker verifies ends its puzzle; a puzzle whose copies all stopped unverified moves to
 * the effort's next stage (more copies, more steps) or, after the last, takes the answer most
 * copies agree on. Puzzles and copies that stop leave the batch, so later steps cost only what is
 * still running.
 *
 * <p>y and z stay in ONNX Runtime's native tensors between steps: the outputs of one run are the
 * inputs of the next. Only when lanes leave or join the batch are the rows copied. A solver belongs
 * to one thread; the model it came from serves many.
 *
 * <p>A batch solver ({@link TrmModel#solver}) is given its puzzles at the start and returns them
 * in order ({@link #solutions()}); a continuous one ({@link TrmModel#continuousSolver}) takes
 * puzzles between steps ({@link #add}), each with its own policy and effort, and hands each back
 * as soon as it finishes ({@link #takeFinished()}): continuous batching.
 */
public final class Solver implements AutoCloseable {
    /**
     * The fewest rows a step runs. ONNX Runtime's CPU kernels give a batch of one row other float
     * rounding than any larger batch (and one that changes with the thread count), while every batch
     * of two or more rows gives each row bit for bit the same values whatever its batch-mates, its
     * position and the thread count (measured on the shipped models). A lone lane therefore runs
     * beside a copy of itself, so that a puzzle's answer never depends on what else is running.
     */
    static final int MIN_ROWS = 2;

    private final TrmModel model;
    private final ModelInfo info;
    private final PuzzleTask task;
    private final StepObserver observer;
    /** The puzzles of a batch solver, in submission order (null for a continuous one, which keeps none it has finished). */
    private final List<Puzzle> submitted;
    /** Puzzles still running, by id. */
    private final Map<Integer, Puzzle> running = new HashMap<>();
    /** Puzzles finished since the last {@link #takeFinished()}. */
    private final List<Finished> finished = new ArrayList<>();
    private int nextId;
    /** The lanes of the next step, in batch order. */
    private List<Lane> lanes = new ArrayList<>();
    /** Whether the lanes changed since the last step (the batch tensors must be rebuilt). */
    private boolean batchChanged = true;
    private int step;
    private long lastRunNanos;
    private OnnxTensor tokenTensor;
    private OnnxTensor idTensor;
    private OnnxTensor y;
    private OnnxTensor z;
    /** The run whose outputs y and z are (null when they are our own tensors). */
    private OrtSession.Result owner;

    /** One submitted puzzle: how it is solved, its copies, the effort stage it is in, its result once done. */
    private static final class Puzzle {
        final int index;
        final String text;
        final HaltPolicy policy;
        final Effort effort;
        final int[] budgets;
        final List<Lane> lanes = new ArrayList<>();
        int stage;
        long nanos;
        Solution solution;

        Puzzle(int index, String text, HaltPolicy policy, Effort effort, int[] budgets) {
            this.index = index;
            this.text = text;
            this.policy = policy;
            this.effort = effort;
            this.budgets = budgets;
        }
    }

    /**
     * A puzzle that finished: its id (its position in a batch solver, the value {@link #add} returned
     * in a continuous one) and its solution.
     */
    public record Finished(int id, Solution solution) {
    }

    /** One copy of a puzzle: its augmentation, tokens, steps and, while it waits, its state. */
    private static final class Lane {
        final Puzzle puzzle;
        final int copy;
        final Augmentation augmentation;
        final int[] tokens;
        int steps;
        int budget;
        float[] haltProbabilities = new float[0];
        StepState last;
        String stopReason;
        /** y and z rows while the lane is out of the batch tensors (null: fresh, or in the tensors). */
        float[] heldY;
        float[] heldZ;

        Lane(Puzzle puzzle, int copy, Augmentation augmentation, int[] tokens, int budget) {
            this.puzzle = puzzle;
            this.copy = copy;
            this.augmentation = augmentation;
            this.tokens = tokens;
            this.budget = budget;
        }

        boolean stopped() {
            return stopReason != null;
        }
    }

    /** A batch solver: the given puzzles, all solved as {@code policy} and {@code effort} say. */
    Solver(TrmModel model, List<String> puzzles, HaltPolicy policy, Effort effort, StepObserver observer) {
        this(model, observer, new ArrayList<>());
        if (puzzles.isEmpty()) {
            throw new IllegalArgumentException("no puzzles to solve");
        }
        requireSettings(policy, effort);
        int n = puzzles.size();
        for (int i = 0; i < n; i++) {
            try {
                task.encode(puzzles.get(i));
            } catch (InvalidPuzzleException e) {
                throw new InvalidPuzzleException((n == 1 ? "puzzle" : "puzzle " + (i + 1)) + ": " + e.getMessage(), e);
            }
        }
        for (String p : puzzles) {
            add(p, policy, effort);
        }
    }

    /** A continuous solver: it starts empty, puzzles join with {@link #add}, and it forgets each once taken. */
    Solver(TrmModel model, StepObserver observer) {
        this(model, observer, null);
    }

    private Solver(TrmModel model, StepObserver observer, List<Puzzle> submitted) {
        this.model = model;
        this.info = model.info();
        this.task = model.task();
        this.observer = observer;
        this.submitted = submitted;
    }

    private static void requireSettings(HaltPolicy policy, Effort effort) {
        if (policy == null) {
            throw new IllegalArgumentException("a halting policy is required (for example HaltPolicy.fixed())");
        }
        if (effort == null) {
            throw new IllegalArgumentException("an effort is required (Effort.plain() is the paper's solve)");
        }
    }

    /**
     * Adds a puzzle, solved as {@code policy} and {@code effort} say; it joins the batch at the next
     * step, beside whatever is running (continuous batching). Its answer does not depend on its
     * batch-mates: each copy's rows are its own.
     *
     * @return the puzzle's id, which its {@link Finished} carries
     * @throws InvalidPuzzleException if the model's task does not accept the puzzle
     */
    public int add(String puzzle, HaltPolicy policy, Effort effort) {
        requireSettings(policy, effort);
        task.encode(puzzle);
        holdRows();
        Puzzle p = new Puzzle(nextId++, puzzle, policy, effort, effort.budgets(info.haltMaxSteps()));
        if (submitted != null) {
            submitted.add(p);
        }
        running.put(p.index, p);
        lanes.addAll(addCopies(p));
        return p.index;
    }

    /** Takes a running puzzle out of the batch (its deadline passed, say); false if it is not running. */
    public boolean cancel(int id) {
        Puzzle p = running.remove(id);
        if (p == null) {
            return false;
        }
        holdRows();
        lanes.removeAll(p.lanes);
        for (Lane lane : p.lanes) {
            lane.heldY = null;
            lane.heldZ = null;
        }
        batchChanged = true;
        return true;
    }

    /** The puzzles that finished since the last call, in the order they finished; a continuous solver forgets them. */
    public List<Finished> takeFinished() {
        List<Finished> out = new ArrayList<>(finished);
        finished.clear();
        return out;
    }

    /**
     * Between steps, copies the rows of the lanes now in the batch tensors into their lanes, so that
     * lanes can join or leave before the next step.
     */
    private void holdRows() {
        if (batchChanged || y == null) {
            return; // the rows are held already, or no step has run
        }
        copyRowsOut(y, z, lanes);
        releaseState();
        batchChanged = true;
    }

    /** Copies each row of y and z into its lane, for the lanes whose puzzle is still running. */
    private void copyRowsOut(OnnxTensor yAllTensor, OnnxTensor zAllTensor, List<Lane> rows) {
        int rowSize = info.workingLength() * info.hiddenSize();
        FloatBuffer yAll = yAllTensor.getFloatBuffer();
        FloatBuffer zAll = zAllTensor.getFloatBuffer();
        for (int row = 0; row < rows.size(); row++) {
            Lane lane = rows.get(row);
            if (lane.puzzle.solution == null && running.containsKey(lane.puzzle.index)) {
                lane.heldY = new float[rowSize];
                lane.heldZ = new float[rowSize];
                ((Buffer) yAll).position(row * rowSize);
                yAll.get(lane.heldY);
                ((Buffer) zAll).position(row * rowSize);
                zAll.get(lane.heldZ);
            }
        }
    }

    /** Adds the copies the puzzle's current stage asks for beyond those it has; returns them. */
    private List<Lane> addCopies(Puzzle p) {
        int want = Math.min(p.effort.stages().get(p.stage).copies(), task.augmentationCount(p.text));
        List<Lane> added = new ArrayList<>();
        for (int c = p.lanes.size(); c < want; c++) {
            Augmentation a = task.augmentation(p.text, c, p.effort.seed());
            Lane lane = new Lane(p, c, a, task.encode(a.apply(p.text)), p.budgets[p.stage]);
            p.lanes.add(lane);
            added.add(lane);
            batchChanged = true;
        }
        return added;
    }

    public boolean isDone() {
        return lanes.isEmpty();
    }

    /** Time spent inside ONNX Runtime's run call in the last step (the rest of a step is the runtime's overhead). */
    public long lastRunNanos() {
        return lastRunNanos;
    }

    /** Supervision steps run so far. */
    public int steps() {
        return step;
    }

    /** Lanes (puzzle copies) in the batch of the next step. */
    public int batchSize() {
        return lanes.size();
    }

    /** Runs one supervision step for every copy still running, then applies the policy, budgets and effort stages. */
    public void step() {
        if (isDone()) {
            throw new IllegalStateException("every puzzle has halted");
        }
        try {
            model.whileOpen(session -> {
                runStep(session);
                return null;
            });
        } catch (OrtException e) {
            throw new TrmRuntimeException("step " + step + " failed in ONNX Runtime: " + e.getMessage(), e);
        }
    }

    private void runStep(OrtSession session) throws OrtException {
        if (batchChanged) {
            rebuildBatch();
        }
        step++;
        Map<String, OnnxTensor> inputs = new HashMap<>();
        inputs.put(StepContract.IN_TOKENS, tokenTensor);
        inputs.put(StepContract.IN_PUZZLE_IDS, idTensor);
        inputs.put(StepContract.IN_Y, y);
        inputs.put(StepContract.IN_Z, z);
        long t0 = System.nanoTime();
        OrtSession.Result result = session.run(inputs);
        long elapsed = System.nanoTime() - t0;
        lastRunNanos = elapsed;
        try {
            float[] logits = floats(result, StepContract.OUT_LOGITS);
            float[] q = floats(result, StepContract.OUT_Q_HALT);
            List<Lane> ran = lanes;
            for (Puzzle p : puzzlesOf(ran)) {
                p.nanos += elapsed;
            }
            for (int row = 0; row < ran.size(); row++) {
                observe(ran.get(row), logits, row, q[row]);
            }
            List<Lane> next = new ArrayList<>();
            for (Lane lane : ran) {
                if (!lane.stopped() && lane.puzzle.solution == null) {
                    next.add(lane);
                }
            }
            for (Puzzle p : puzzlesOf(ran)) {
                settle(p, next);
            }
            advance(result, ran, next);
        } catch (OrtException | RuntimeException e) {
            result.close();
            owner = null;
            throw e;
        }
    }

    /** Reads one lane's answer and halt probability, shows it, and decides whether the lane stops. */
    private void observe(Lane lane, float[] logits, int row, float qHalt) {
        int s = info.seqLen();
        int v = info.vocabSize();
        int[] pred = new int[s];
        for (int c = 0; c < s; c++) {
            pred[c] = argmax(logits, (row * s + c) * v, v);
        }
        float prob = (float) (1 / (1 + Math.exp(-qHalt)));
        lane.steps++;
        lane.haltProbabilities = Arrays.copyOf(lane.haltProbabilities, lane.steps);
        lane.haltProbabilities[lane.steps - 1] = prob;
        String answer = lane.augmentation.restore(task.decode(pred));
        StepState state = new StepState(task, lane.puzzle.index, lane.puzzle.text, lane.steps, answer, prob, lane.copy);
        lane.last = state;
        if (observer != null) {
            observer.onStep(state);
        }
        if (lane.puzzle.policy.halt(state)) {
            lane.stopReason = lane.puzzle.policy.reason(state);
        } else if (lane.steps >= lane.budget) {
            lane.stopReason = HaltPolicy.MAX_STEPS;
        }
    }

    /** After a step: ends a puzzle with a verified copy, moves one whose copies all stopped to its next stage, or votes. */
    private void settle(Puzzle p, List<Lane> next) {
        for (Lane lane : p.lanes) {
            if (lane.stopped() && lane.last != null && lane.last.isSolved()) {
                finish(p, lane.last.answer(), lane, next);
                return;
            }
        }
        while (p.lanes.stream().allMatch(Lane::stopped)) {
            if (p.stage + 1 >= p.budgets.length) {
                List<Candidate> ranked = rank(p);
                Lane chosen = laneOf(p, ranked.get(0).answer());
                finish(p, ranked.get(0).answer(), chosen, next);
                return;
            }
            p.stage++;
            for (Lane lane : p.lanes) {
                lane.budget = p.budgets[p.stage];
                if (lane.steps < lane.budget) {
                    lane.stopReason = null; // thinks on from where it stopped
                    next.add(lane);
                    batchChanged = true;
                }
            }
            next.addAll(addCopies(p));
        }
    }

    private void finish(Puzzle p, String answer, Lane chosen, List<Lane> next) {
        List<Candidate> ranked = rank(p);
        boolean solved = task.isSolution(p.text, answer);
        String by = Solution.MODEL;
        if (!solved && p.effort.fallback()) {
            String exact = task.solveExactly(p.text);
            if (exact != null) {
                answer = exact;
                solved = task.isSolution(p.text, exact);
                by = Solution.EXACT;
            }
        }
        int total = 0;
        for (Lane lane : p.lanes) {
            total += lane.steps;
        }
        p.solution = new Solution(p.text, answer, chosen.steps, chosen.copy, chosen.stopReason != null ? chosen.stopReason : HaltPolicy.MAX_STEPS,
                chosen.haltProbabilities.clone(), solved, p.nanos, p.lanes.size(), total, ranked, by);
        running.remove(p.index);
        finished.add(new Finished(p.index, p.solution));
        next.removeAll(p.lanes);
        for (Lane lane : p.lanes) {
            lane.heldY = null;
            lane.heldZ = null;
        }
        batchChanged = true;
    }

    /** The copies' last answers, grouped and ranked by votes, then by mean halt probability. */
    private static List<Candidate> rank(Puzzle p) {
        List<String> answers = new ArrayList<>();
        List<Float> probabilities = new ArrayList<>();
        for (Lane lane : p.lanes) {
            if (lane.last != null) {
                answers.add(lane.last.answer());
                probabilities.add(lane.last.haltProbability());
            }
        }
        return Candidate.rank(answers, probabilities);
    }

    private static Lane laneOf(Puzzle p, String answer) {
        Lane best = null;
        for (Lane lane : p.lanes) {
            if (lane.last != null && lane.last.answer().equals(answer)
                    && (best == null || lane.last.haltProbability() > best.last.haltProbability())) {
                best = lane;
            }
        }
        return best;
    }

    private static List<Puzzle> puzzlesOf(List<Lane> ran) {
        List<Puzzle> out = new ArrayList<>();
        for (Lane lane : ran) {
            if (!out.contains(lane.puzzle)) {
                out.add(lane.puzzle);
            }
        }
        return out;
    }

    /**
     * Moves y/z on to the next step: the outputs themselves when the same lanes run again; otherwise
     * the rows of lanes that go on, and of stopped lanes whose puzzle may still need them, are copied
     * out and the batch is rebuilt before the next step.
     */
    private void advance(OrtSession.Result result, List<Lane> ran, List<Lane> next) throws OrtException {
        OnnxTensor yNext = (OnnxTensor) result.get(StepContract.OUT_Y).get();
        OnnxTensor zNext = (OnnxTensor) result.get(StepContract.OUT_Z).get();
        if (!batchChanged && next.equals(ran)) {
            releaseState();
            y = yNext;
            z = zNext;
            owner = result;
            lanes = next;
            return;
        }
        copyRowsOut(yNext, zNext, ran);
        result.close();
        releaseState();
        lanes = next;
        batchChanged = true;
    }

    /** New input tensors for the current lanes: held rows where a lane has them, y_init/z_init for fresh lanes. */
    private void rebuildBatch() throws OrtException {
        releaseState();
        closeTensor(tokenTensor);
        closeTensor(idTensor);
        tokenTensor = null;
        idTensor = null;
        int b = Math.max(lanes.size(), MIN_ROWS);
        int s = info.seqLen();
        int rowSize = info.workingLength() * info.hiddenSize();
        float[] y0 = repeat(info.yInit(), info.workingLength());
        float[] z0 = repeat(info.zInit(), info.workingLength());
        FloatBuffer ys = direct(b * rowSize);
        FloatBuffer zs = direct(b * rowSize);
        LongBuffer tok = ByteBuffer.allocateDirect(b * s * Long.BYTES).order(ByteOrder.nativeOrder()).asLongBuffer();
        LongBuffer ids = ByteBuffer.allocateDirect(b * Long.BYTES).order(ByteOrder.nativeOrder()).asLongBuffer();
        for (int row = 0; row < b; row++) {
            Lane lane = lanes.get(Math.min(row, lanes.size() - 1)); // a padding row repeats the last lane
            ys.put(lane.heldY != null ? lane.heldY : y0);
            zs.put(lane.heldZ != null ? lane.heldZ : z0);
            for (int t : lane.tokens) {
                tok.put(t);
            }
            ids.put(lane.augmentation.puzzleId());
        }
        for (Lane lane : lanes) {
            lane.heldY = null;
            lane.heldZ = null;
        }
        ((Buffer) ys).rewind(); // Buffer's own methods: Android API 26 lacks the covariant overrides
        ((Buffer) zs).rewind();
        ((Buffer) tok).rewind();
        ((Buffer) ids).rewind();
        long[] stateShape = {b, info.workingLength(), info.hiddenSize()};
        y = OnnxTensor.createTensor(model.env(), ys, stateShape);
        z = OnnxTensor.createTensor(model.env(), zs, stateShape);
        tokenTensor = OnnxTensor.createTensor(model.env(), tok, new long[] {b, s});
        idTensor = OnnxTensor.createTensor(model.env(), ids, new long[] {b});
        batchChanged = false;
    }

    private static FloatBuffer direct(int floats) {
        return ByteBuffer.allocateDirect(floats * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
    }

    private static float[] repeat(float[] row, int rows) {
        float[] out = new float[rows * row.length];
        for (int r = 0; r < rows; r++) {
            System.arraycopy(row, 0, out, r * row.length, row.length);
        }
        return out;
    }

    private void releaseState() {
        if (owner != null) {
            owner.close();
            owner = null;
        } else {
            closeTensor(y);
            closeTensor(z);
        }
        y = null;
        z = null;
    }

    private static float[] floats(OrtSession.Result r, String name) throws OrtException {
        FloatBuffer b = ((OnnxTensor) r.get(name).get()).getFloatBuffer();
        float[] out = new float[b.remaining()];
        b.get(out);
        return out;
    }

    /** Index of the largest of {@code x[from .. from + n)}, the first on ties: one cell's predicted token. */
    public static int argmax(float[] x, int from, int n) {
        int best = 0;
        for (int i = 1; i < n; i++) {
            if (x[from + i] > x[from + best]) {
                best = i;
            }
        }
        return best;
    }

    /** One solution per puzzle, in submission order (complete once {@link #isDone()}); a batch solver's only. */
    public List<Solution> solutions() {
        if (submitted == null) {
            throw new IllegalStateException("a continuous solver keeps no solutions: take them with takeFinished()");
        }
        if (!isDone()) {
            throw new IllegalStateException("puzzles are still running");
        }
        List<Solution> out = new ArrayList<>();
        for (Puzzle p : submitted) {
            out.add(p.solution);
        }
        return out;
    }

    private static void closeTensor(OnnxTensor t) {
        if (t != null) {
            t.close();
        }
    }

    @Override
    public void close() {
        releaseState();
        closeTensor(tokenTensor);
        closeTensor(idTensor);
        tokenTensor = null;
        idTensor = null;
    }
}
