package dev.trm.runtime;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.util.ArrayDeque;
import java.util.ArrayList;
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
 * <p>y and z stay in ONNX Runtime's native tensors between steps ({@link BatchState}): the outputs
 * of one run are the inputs of the next. Only when lanes leave or join the batch are the rows
 * copied. A solver belongs to one thread; the model it came from serves many.
 *
 * <p>A batch solver ({@link TrmModel#solver}) is given its puzzles at the start and returns them
 * in order ({@link #solutions()}); a continuous one ({@link TrmModel#continuousSolver}) takes
 * puzzles between steps ({@link #add}), each with its own policy and effort, and hands each back
 * as soon as it finishes ({@link #takeFinished()}): continuous batching.
 */
public final class Solver implements AutoCloseable {
    /**
     * The fewest rows a step of an older file runs (one without {@code trm.batch_invariant}). ONNX
     * Runtime's CPU ReduceMean over the token axis gives a batch of one row other float rounding than
     * any larger batch (and one that changes with the thread count), while every batch of two or more
     * rows gives each row bit for bit the same values whatever its batch-mates, its position and the
     * thread count. In such a file a lone lane therefore runs beside a copy of itself, so that a
     * puzzle's answer never depends on what else is running; a file marked batch-invariant (its
     * products have the batch in their rows, its reductions run over the last axis) runs it alone.
     */
    static final int MIN_ROWS_OF_OLDER_FILES = 2;

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
    /** The most lanes a step runs: copies past it wait their turn (unbounded but for a continuous solver given a bound). */
    private final int maxLanes;
    /**
     * Lanes that wait for room in the batch, in groups in the order they asked: the copies a puzzle's
     * stage runs (new and going on), or a resumed puzzle's. A group joins whole, so a puzzle's copies
     * run in step with each other as they do alone, and its answer, steps and copies are the ones it
     * has alone; only a group larger than the bound itself joins in parts (its answer is then still
     * the one its copies agree on, but a copy may verify before its siblings have run as many steps).
     * A waiting lane keeps its rows.
     */
    private final ArrayDeque<List<Lane>> waiting = new ArrayDeque<>();
    /** Parked puzzles' lanes, by puzzle id ({@link #park}). */
    private final Map<Integer, List<Lane>> parked = new HashMap<>();
    /** Whether the lanes changed since the last step (the batch tensors must be rebuilt). */
    private boolean batchChanged = true;
    private int step;
    private long lastRunNanos;
    /** The batch's tensors between steps. */
    private final BatchState state;

    /**
     * A puzzle that finished: its id (its position in a batch solver, the value {@link #add} returned
     * in a continuous one) and its solution.
     */
    public record Finished(int id, Solution solution) {
    }

    /** A batch solver: the given puzzles, all solved as {@code policy} and {@code effort} say. */
    Solver(TrmModel model, List<Question> puzzles, HaltPolicy policy, Effort effort, StepObserver observer) {
        this(model, observer, new ArrayList<>());
        if (puzzles.isEmpty()) {
            throw new IllegalArgumentException("no puzzles to solve");
        }
        for (Question q : puzzles) {
            add(q, policy, effort);
        }
    }

    /**
     * A continuous solver: it starts empty, puzzles join with {@link #add}, and it forgets each once
     * taken. No step runs more than {@code maxLanes} lanes: copies past it wait their turn.
     */
    Solver(TrmModel model, StepObserver observer, int maxLanes) {
        this(model, observer, null, maxLanes);
    }

    private Solver(TrmModel model, StepObserver observer, List<Puzzle> submitted) {
        this(model, observer, submitted, Integer.MAX_VALUE);
    }

    private Solver(TrmModel model, StepObserver observer, List<Puzzle> submitted, int maxLanes) {
        if (maxLanes < 1) {
            throw new IllegalArgumentException("max lanes: at least 1, got " + maxLanes);
        }
        this.maxLanes = maxLanes;
        this.model = model;
        this.info = model.info();
        this.task = model.task();
        this.observer = observer;
        this.submitted = submitted;
        this.state = new BatchState(model.env(), info);
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
        return add(task.parse(puzzle), policy, effort);
    }

    /** Adds a puzzle the model's task parsed already ({@link PuzzleTask#parse}). */
    public int add(Question puzzle, HaltPolicy policy, Effort effort) {
        requireSettings(policy, effort);
        holdRows();
        Puzzle p = new Puzzle(nextId++, puzzle, policy, effort, effort.budgets(info.haltMaxSteps()));
        if (submitted != null) {
            submitted.add(p);
        }
        running.put(p.index, p);
        seat(addCopies(p), lanes);
        return p.index;
    }

    /** A group of lanes joins {@code batch} whole if it has room, or waits its turn behind the groups waiting already. */
    private void seat(List<Lane> joining, List<Lane> batch) {
        if (joining.isEmpty()) {
            return;
        }
        waiting.addLast(new ArrayList<>(joining));
        fillFromWaiting(batch);
    }

    /**
     * Parks a running puzzle: its lanes leave the batch with their rows kept, and run on from where
     * they were when {@link #resume} brings them back (a scheduler's way to give other callers their
     * share of the lanes). Its answer is the one it would have had without the pause. False if it is
     * not running or parked already.
     */
    public boolean park(int id) {
        Puzzle p = running.get(id);
        if (p == null || parked.containsKey(id)) {
            return false;
        }
        holdRows();
        List<Lane> out = new ArrayList<>();
        for (Lane lane : p.lanes) {
            if (lanes.remove(lane) || unwait(lane)) {
                out.add(lane);
            }
        }
        parked.put(id, out);
        batchChanged = true;
        return true;
    }

    /** Brings a parked puzzle's lanes back (those past the bound wait their turn); false if it is not parked. */
    public boolean resume(int id) {
        List<Lane> back = parked.remove(id);
        if (back == null) {
            return false;
        }
        holdRows();
        seat(back, lanes);
        batchChanged = true;
        return true;
    }

    /** Lanes waiting for room in the batch. */
    public int waitingLanes() {
        return waiting.stream().mapToInt(List::size).sum();
    }

    /** Takes a lane out of the waiting groups; whether it was waiting. */
    private boolean unwait(Lane lane) {
        boolean was = false;
        for (List<Lane> group : waiting) {
            was |= group.remove(lane);
        }
        waiting.removeIf(List::isEmpty);
        return was;
    }

    /** Takes a running puzzle out of the batch (its deadline passed, say); false if it is not running. */
    public boolean cancel(int id) {
        Puzzle p = running.remove(id);
        if (p == null) {
            return false;
        }
        holdRows();
        lanes.removeAll(p.lanes);
        p.lanes.forEach(this::unwait);
        parked.remove(id);
        p.lanes.forEach(lane -> lane.hold(null, null));
        batchChanged = true;
        fillFromWaiting(lanes);
        return true;
    }

    /**
     * Waiting groups join, first come first served, each whole while there is room; a group larger
     * than the bound joins in parts (it could never join whole).
     */
    private void fillFromWaiting(List<Lane> batch) {
        while (!waiting.isEmpty()) {
            List<Lane> group = waiting.peekFirst();
            if (batch.size() + group.size() <= maxLanes) {
                batch.addAll(waiting.pollFirst());
            } else if (group.size() > maxLanes && batch.size() < maxLanes) {
                List<Lane> part = group.subList(0, maxLanes - batch.size());
                batch.addAll(part);
                part.clear();
            } else {
                return;
            }
            batchChanged = true;
        }
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
        if (batchChanged || !state.hasRows()) {
            return; // the rows are held already, or no step has run
        }
        state.holdRows(lanes, this::stillNeeded);
        batchChanged = true;
    }

    /** Whether a lane's rows may still be needed: its puzzle is running and unsolved. */
    private boolean stillNeeded(BatchState.Row row) {
        Puzzle p = ((Lane) row).puzzle;
        return p.solution == null && running.containsKey(p.index);
    }

    /** Adds the copies the puzzle's current stage asks for beyond those it has; returns them. */
    private List<Lane> addCopies(Puzzle p) {
        Effort.Stage stage = p.effort.stages().get(p.stage);
        // symmetry copies stop at the distinct augmentations; noisy copies of the puzzle as given do not
        int want = stage.symmetric() ? Math.min(stage.copies(), task.augmentationCount(p.text())) : stage.copies();
        List<Lane> added = new ArrayList<>();
        for (int c = p.lanes.size(); c < want; c++) {
            boolean asGiven = c == 0 || !stage.symmetric(); // copy 0 is the puzzle as given
            Augmentation a = task.augmentation(p.text(), asGiven ? 0 : c, p.effort.seed());
            int[] tokens = asGiven ? p.question.tokens() : task.encode(a.apply(p.text()));
            Lane lane = new Lane(p, c, a, tokens, p.budgets[p.stage]);
            if (c > 0 && stage.noise() > 0) {
                lane.heldZ = LatentNoise.add(BatchState.repeat(info.zInit(), info.workingLength()), stage.noise(),
                        p.effort.seed(), c, 0, p.text());
                lane.stepNoise = stage.everyStep() ? stage.noise() : 0;
            }
            p.lanes.add(lane);
            added.add(lane);
            batchChanged = true;
        }
        return added;
    }

    /** No lane runs or waits (parked puzzles do not count: they run again only when resumed). */
    public boolean isDone() {
        return lanes.isEmpty() && waiting.isEmpty();
    }

    /** Time spent inside ONNX Runtime's run call in the last step (the rest of a step is the runtime's overhead). */
    public long lastRunNanos() {
        return lastRunNanos;
    }

    /** Rows the last step ran, padding included: a lone puzzle of a file without {@code trm.batch_invariant} runs on two. */
    public int lastStepRows() {
        return state.rows();
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
            state.rebuild(lanes, info.rowInvariant() ? 1 : MIN_ROWS_OF_OLDER_FILES);
            batchChanged = false;
        }
        step++;
        long t0 = System.nanoTime();
        BatchState.Output out = state.run(session);
        long elapsed = System.nanoTime() - t0;
        lastRunNanos = elapsed;
        try {
            List<Lane> ran = lanes;
            for (Puzzle p : puzzlesOf(ran)) {
                p.nanos += elapsed;
            }
            for (int row = 0; row < ran.size(); row++) {
                observe(ran.get(row), out.logits(), row, out.qHalt()[row]);
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
            fillFromWaiting(next);
            advance(out, ran, next);
        } catch (OrtException | RuntimeException e) {
            out.result().close();
            throw e;
        }
    }

    /** Reads one lane's answer and halt probability, shows it, and decides whether the lane stops. */
    private void observe(Lane lane, float[] logits, int row, float qHalt) {
        int s = info.seqLen();
        int v = info.vocabSize();
        int[] pred = new int[s];
        for (int c = 0; c < s; c++) {
            pred[c] = StepContract.argmax(logits, (row * s + c) * v, v);
        }
        float prob = (float) (1 / (1 + Math.exp(-qHalt)));
        lane.record(prob);
        String answer = lane.augmentation.restore(task.decode(pred));
        Puzzle p = lane.puzzle;
        float[] confidence = observer != null && lane.augmentation == Augmentation.IDENTITY && observer.wantsConfidence(p.index)
                ? confidence(logits, row) : null;
        StepState seen = new StepState(p.question, p.effort.checked(), p.index, lane.steps, answer, prob, lane.copy, confidence);
        lane.last = seen;
        if (observer != null) {
            observer.onStep(seen);
        }
        if (lane.puzzle.policy.halt(seen)) {
            lane.stopReason = lane.puzzle.policy.reason(seen);
        } else if (lane.steps >= lane.budget) {
            lane.stopReason = HaltPolicy.MAX_STEPS;
        }
    }

    /** Each cell's largest softmax probability over the vocabulary, for one row of the step's logits. */
    private float[] confidence(float[] logits, int row) {
        int s = info.seqLen();
        int v = info.vocabSize();
        float[] out = new float[s];
        for (int c = 0; c < s; c++) {
            int at = (row * s + c) * v;
            float max = logits[at + StepContract.argmax(logits, at, v)];
            double sum = 0;
            for (int k = 0; k < v; k++) {
                sum += Math.exp(logits[at + k] - max);
            }
            out[c] = (float) (1 / sum); // exp(max - max) / sum
        }
        return out;
    }

    /** After a step: ends a puzzle with a verified copy, moves one whose copies all stopped to its next stage, or picks. */
    private void settle(Puzzle p, List<Lane> next) {
        for (Lane lane : p.lanes) {
            if (lane.stopped() && lane.last != null && lane.last.isSolved()) {
                finish(p, p.rankedAnswers(), lane.last.answer(), lane, next);
                return;
            }
        }
        while (p.lanes.stream().allMatch(Lane::stopped)) {
            if (p.inLastStage()) {
                List<Candidate> ranked = p.rankedAnswers();
                Lane chosen = p.laneOf(ranked.get(0).answer());
                finish(p, ranked, ranked.get(0).answer(), chosen, next);
                return;
            }
            p.stage++;
            List<Lane> goOn = new ArrayList<>();
            for (Lane lane : p.lanes) {
                lane.budget = p.budgets[p.stage];
                if (lane.steps < lane.budget) {
                    lane.stopReason = null; // thinks on from where it stopped
                    goOn.add(lane);
                    batchChanged = true;
                }
            }
            goOn.addAll(addCopies(p));
            seat(goOn, next);
        }
    }

    /** Ends a puzzle with {@code answer}, the answer of lane {@code chosen}; {@code ranked} are its copies' answers. */
    private void finish(Puzzle p, List<Candidate> ranked, String answer, Lane chosen, List<Lane> next) {
        boolean solved = p.question.isSolution(answer);
        String by = Solution.MODEL;
        if (!solved && p.effort.fallback()) {
            String exact = task.solveExactly(p.text());
            if (exact != null) {
                answer = exact;
                solved = p.question.isSolution(exact);
                by = Solution.EXACT;
            }
        }
        p.solution = new Solution(p.text(), answer, chosen.steps, chosen.copy, chosen.stopReason != null ? chosen.stopReason : HaltPolicy.MAX_STEPS,
                chosen.haltProbabilities.clone(), solved, p.nanos, p.lanes.size(), p.totalSteps(), p.stage, ranked, by);
        running.remove(p.index);
        finished.add(new Finished(p.index, p.solution));
        next.removeAll(p.lanes);
        p.lanes.forEach(this::unwait);
        p.lanes.forEach(lane -> lane.hold(null, null));
        batchChanged = true;
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
    private void advance(BatchState.Output out, List<Lane> ran, List<Lane> next) throws OrtException {
        boolean perturbed = next.stream().anyMatch(lane -> lane.stepNoise > 0);
        if (!batchChanged && !perturbed && next.equals(ran)) {
            state.continueWith(out);
        } else {
            state.holdRows(out, ran, this::stillNeeded);
            for (Lane lane : next) {
                if (lane.stepNoise > 0 && lane.heldZ != null) {
                    Puzzle p = lane.puzzle;
                    LatentNoise.add(lane.heldZ, lane.stepNoise, p.effort.seed(), lane.copy, lane.steps, p.text());
                }
            }
            batchChanged = true;
        }
        lanes = next;
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

    @Override
    public void close() {
        state.close();
    }
}
