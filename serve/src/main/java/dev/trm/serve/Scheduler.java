package dev.trm.serve;

import dev.trm.runtime.Question;
import dev.trm.runtime.Solution;
import dev.trm.runtime.SolveConfig;
import dev.trm.runtime.Solver;
import dev.trm.runtime.StepObserver;
import dev.trm.runtime.StepState;
import dev.trm.runtime.TrmModel;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One model's batch, shared by every request (continuous batching): the puzzles of all requests
 * run in the same supervision steps; a puzzle leaves as soon as its policy halts it, and waiting
 * puzzles join between steps while the batch has fewer than {@code maxBatch} lanes. A request is
 * answered when its last puzzle finishes.
 *
 * <p>Fair: waiting requests take turns, one puzzle each per turn, so a request of one puzzle joins
 * the batch after at most one puzzle of each request that waited before it, however large those
 * are. Bounded: at most {@code maxQueue} puzzles wait; a request that would pass that is refused
 * ({@link QueueFullException}). A request whose deadline passes is answered with what finished, and
 * its other puzzles leave the batch at once.
 *
 * <p>Fair by time too: while requests wait and the batch is full, a request that holds more than its
 * share of the lanes (the batch over the requests that want lanes) parks its longest-running puzzle,
 * once that has run for N_sup steps (the plain effort's whole budget, so everyday puzzles are never
 * parked); the parked puzzle waits its turn like a queued one and runs on from where it was, with
 * the answer it would have had. No copy ever runs past {@code maxBatch}: an escalating puzzle's new
 * copies wait their turn, before any new puzzle joins.
 *
 * <p>A step that fails (ONNX Runtime's error) fails no request by itself: the requests in that batch
 * run again from their unfinished puzzles' start, each alone in the batch, so that only a request
 * whose own step fails again is answered with the error ({@link #MAX_FAILED_STEPS}).
 *
 * <p>A request whose caller left ({@link #cancel}) leaves the batch before the next step; on a drain
 * that runs out of time every open request is answered at once as at its deadline ({@link #cutShort}).
 *
 * <p>One thread owns the {@link Solver}; requests arrive from any thread.
 */
final class Scheduler implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Scheduler.class.getName());
    /** How long the idle loop sleeps before it looks at deadlines again. */
    private static final long IDLE_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
    private static final double NANOS_PER_SECOND = 1e9;
    /** Failed steps a request may be in before it fails: the first may be a batch-mate's fault, the second, alone, is its own. */
    static final int MAX_FAILED_STEPS = 1;
    /** For tests: a step fails when a puzzle in the batch matches (ONNX Runtime's own failures cannot be caused on purpose). */
    static volatile java.util.function.Predicate<String> faultForTests;

    private final String name;
    private final TrmModel model;
    private final int maxBatch;
    private final int maxQueue;
    private final ServeMetrics metrics;
    private final Thread thread;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition work = lock.newCondition();
    private final Condition idle = lock.newCondition();
    /** Requests with puzzles not yet in the batch, in turn order. Guarded by lock. */
    private final ArrayDeque<Request> waiting = new ArrayDeque<>();
    /** Requests not yet answered. Guarded by lock. */
    private final Set<Request> open = new LinkedHashSet<>();
    /** Puzzles waiting, over all requests. Guarded by lock. */
    private int queued;
    /** No new requests (draining). Guarded by lock. */
    private boolean closing;
    /** The loop ends (close). Guarded by lock. */
    private boolean stopped;
    /** Every open request is answered at the next step boundary as at its deadline (a drain ran out of time). Guarded by lock. */
    private boolean cutShort;

    /** Lanes in the batch after the scheduler's last change to it (for tests and draining checks). */
    private volatile int lanes;

    /** The scheduler thread's own: the batch, and which request each puzzle in it belongs to. */
    private Solver solver;
    private final Map<Integer, Seat> seats = new HashMap<>();
    /** The solver's step count when each seated, unparked puzzle (re)joined the batch. */
    private final Map<Integer, Integer> joinedAt = new HashMap<>();
    /** Steps a puzzle runs before it may be parked for others: the model's N_sup. */
    private final int parkAfterSteps;

    /** Where a puzzle in the batch belongs: its request and its position there. */
    private record Seat(Request request, int index) {
    }

    /** Passes each step to the listener of the puzzle's request; only those puzzles pay for per-cell confidence. */
    private final StepObserver observer = new StepObserver() {
        @Override
        public void onStep(StepState state) {
            Seat seat = seats.get(state.puzzleIndex());
            if (seat != null && seat.request().listener != null) {
                seat.request().listener.onStep(seat.index(), state);
            }
        }

        @Override
        public boolean wantsConfidence(int puzzleIndex) {
            Seat seat = seats.get(puzzleIndex);
            return seat != null && seat.request().listener != null;
        }
    };

    /** A request refused because the queue is full. */
    static final class QueueFullException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        QueueFullException(String message) {
            super(message);
        }
    }

    /** A request taken out because its caller left. */
    static final class CancelledException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        CancelledException() {
            super("the caller left; the request was taken out of the batch");
        }
    }

    /** A request refused because the server is draining. */
    static final class ClosingException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ClosingException(String message) {
            super(message);
        }
    }

    /**
     * A request's answer.
     *
     * @param solutions     one per puzzle, in order; null for a puzzle that had not finished when the deadline passed
     * @param deadlinePassed whether the deadline cut the request short
     */
    record Outcome(List<Solution> solutions, boolean deadlinePassed) {
        int finished() {
            int n = 0;
            for (Solution s : solutions) {
                n += s != null ? 1 : 0;
            }
            return n;
        }
    }

    /** Hears a request's puzzles think: every step of every copy, and each solution as it comes (a step stream). */
    interface Listener {
        /** A copy of puzzle {@code index} (its place in the request) after a step. Called on the scheduler's thread. */
        void onStep(int index, StepState state);

        /** Puzzle {@code index} finished. Called on the scheduler's thread. */
        void onSolution(int index, Solution solution);

        /** A step of the batch ended: what it heard of this request can go out together. Called on the scheduler's thread. */
        void onStepEnd();
    }

    /** One caller's puzzles on their way through the batch. */
    static final class Request {
        final List<Question> puzzles;
        final SolveConfig spec;
        final long deadline;
        /** Who hears its steps (null: nobody, and no confidence is computed for it). */
        final Listener listener;
        /** When it was queued (System.nanoTime), for the queue-time histogram. */
        final long arrival = System.nanoTime();
        /** Its caller left: take it out at the next step boundary. Guarded by the scheduler's lock. */
        boolean cancelled;
        final CompletableFuture<Outcome> answer = new CompletableFuture<>();
        final Solution[] solutions;
        /** The next puzzle to join the batch. Guarded by the scheduler's lock. */
        int next;
        /** Puzzles not finished yet. Scheduler thread only. */
        int remaining;
        /** Solver ids of its puzzles in the batch. Scheduler thread only. */
        final List<Integer> ids = new ArrayList<>();
        /** Solver ids of its puzzles parked for others, in the order they were parked. Guarded by the scheduler's lock. */
        final ArrayDeque<Integer> parked = new ArrayDeque<>();
        /** Steps that failed while it had puzzles in the batch. Guarded by the scheduler's lock. */
        int failedSteps;
        /** Its puzzles to run again from their start after a failed step, in order. Guarded by the scheduler's lock. */
        final ArrayDeque<Integer> rerun = new ArrayDeque<>();

        boolean hasWaitingPuzzles() {
            return !rerun.isEmpty() || !parked.isEmpty() || next < puzzles.size();
        }

        Request(List<Question> puzzles, SolveConfig spec, long deadline, Listener listener) {
            this.listener = listener;
            this.puzzles = puzzles;
            this.spec = spec;
            this.deadline = deadline;
            this.solutions = new Solution[puzzles.size()];
            this.remaining = puzzles.size();
        }
    }

    Scheduler(String name, TrmModel model, int maxBatch, int maxQueue, ServeMetrics metrics) {
        this.name = name;
        this.model = model;
        this.maxBatch = maxBatch;
        this.maxQueue = maxQueue;
        this.metrics = metrics;
        this.parkAfterSteps = model.info().haltMaxSteps();
        this.solver = model.continuousSolver(observer, maxBatch);
        this.thread = new Thread(this::loop, "trm-scheduler-" + name);
        this.thread.setDaemon(true);
        this.thread.start();
    }

    TrmModel model() {
        return model;
    }

    /**
     * Queues a request's puzzles (parsed by the caller with the model's task).
     *
     * @throws QueueFullException if they would pass the queue's bound
     * @throws ClosingException   if the scheduler is draining
     */
    Request submit(List<Question> puzzles, SolveConfig spec, Duration timeout) {
        return submit(puzzles, spec, timeout, null);
    }

    /** Queues a request whose steps {@code listener} hears. */
    Request submit(List<Question> puzzles, SolveConfig spec, Duration timeout, Listener listener) {
        Request r = new Request(List.copyOf(puzzles), spec, System.nanoTime() + timeout.toNanos(), listener);
        lock.lock();
        try {
            if (closing) {
                throw new ClosingException("the server is shutting down");
            }
            if (queued + puzzles.size() > maxQueue) {
                throw new QueueFullException("the queue is full: " + queued + " puzzles wait, the limit is " + maxQueue);
            }
            queued += puzzles.size();
            waiting.addLast(r);
            open.add(r);
            metrics.queueDepth(name, queued);
            work.signal();
        } finally {
            lock.unlock();
        }
        return r;
    }

    /**
     * Takes a request out: its waiting puzzles never join, its lanes leave the batch before the next
     * step, and its answer fails with {@link CancelledException}. Nothing happens to a request already answered.
     */
    void cancel(Request r) {
        lock.lock();
        try {
            if (open.contains(r) && !r.answer.isDone()) {
                r.cancelled = true;
                work.signal();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Answers every open request at the next step boundary as at its deadline: 504 with what finished. */
    void cutShort() {
        lock.lock();
        try {
            cutShort = true;
            work.signal();
        } finally {
            lock.unlock();
        }
    }

    /** Lanes in the batch (puzzle copies running), as of the scheduler's last change to it. */
    int lanes() {
        return lanes;
    }

    /** Puzzles waiting to join the batch. */
    int queued() {
        lock.lock();
        try {
            return queued;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Takes no new requests and waits until those already taken are answered, or the timeout.
     *
     * @return whether every request was answered in time
     */
    boolean drain(Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        lock.lock();
        try {
            closing = true;
            while (!open.isEmpty()) {
                long left = end - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                idle.awaitNanos(left);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    private void loop() {
        while (true) {
            List<Request> expired = new ArrayList<>();
            List<Request> cancelled = new ArrayList<>();
            lock.lock();
            try {
                if (stopped) {
                    return;
                }
                expire(expired, cancelled);
                while (expired.isEmpty() && cancelled.isEmpty() && solver.isDone() && waiting.isEmpty()) {
                    if (stopped) {
                        return;
                    }
                    idle.signalAll();
                    work.awaitNanos(IDLE_WAIT_NANOS);
                    expire(expired, cancelled);
                }
                admit();
                rebalance();
            } catch (InterruptedException e) {
                return;
            } finally {
                lock.unlock();
            }
            for (Request r : expired) {
                leave(r);
                r.answer.complete(new Outcome(Arrays.asList(r.solutions.clone()), true));
            }
            for (Request r : cancelled) {
                leave(r);
                metrics.cancelled(name);
                r.answer.completeExceptionally(new CancelledException());
            }
            if (!solver.isDone()) {
                step();
            }
            lanes = solver.batchSize();
            metrics.lanes(name, lanes);
        }
    }

    /** Moves requests whose deadline passed, or whose caller left, out of the queue. Holds the lock. */
    private void expire(List<Request> expired, List<Request> cancelled) {
        long now = System.nanoTime();
        for (Request r : open) {
            if (r.answer.isDone()) {
                continue;
            }
            if (r.cancelled) {
                cancelled.add(r);
            } else if (cutShort || now - r.deadline >= 0) {
                expired.add(r);
            }
        }
        List<Request> leaving = new ArrayList<>(expired);
        leaving.addAll(cancelled);
        for (Request r : leaving) {
            if (waiting.remove(r)) {
                queued -= r.puzzles.size() - r.next + r.rerun.size();
                r.rerun.clear();
            }
            open.remove(r);
        }
        if (!leaving.isEmpty()) {
            metrics.queueDepth(name, queued);
            if (open.isEmpty()) {
                idle.signalAll();
            }
        }
    }

    /**
     * Waiting puzzles join the batch, one per request in turn (a puzzle to run again first, then a
     * parked one, then a new one), while it has room; copies that wait go first. A request that was in
     * a failed step runs alone: it joins an empty batch, and nothing else joins until it is answered.
     * Holds the lock.
     */
    private void admit() {
        Request alone = suspectInBatch();
        if (alone == null && !waiting.isEmpty() && waiting.peekFirst().failedSteps > 0 && solver.isDone()) {
            alone = waiting.peekFirst();
        }
        while (solver.batchSize() < maxBatch && solver.waitingLanes() == 0 && !waiting.isEmpty()) {
            Request r = waiting.peekFirst();
            if (alone != null ? r != alone : r.failedSteps > 0) {
                break; // the suspect runs alone; or one waits for the batch to empty
            }
            waiting.pollFirst();
            admitOne(r);
            if (r.hasWaitingPuzzles()) {
                if (r == alone) {
                    waiting.addFirst(r);
                } else {
                    waiting.addLast(r);
                }
            }
        }
        metrics.queueDepth(name, queued);
    }

    /** The request in the batch that was in a failed step, or null. */
    private Request suspectInBatch() {
        for (Seat seat : seats.values()) {
            if (seat.request().failedSteps > 0) {
                return seat.request();
            }
        }
        return null;
    }

    /** One of a request's waiting puzzles joins the batch. Holds the lock. */
    private void admitOne(Request r) {
        if (!r.rerun.isEmpty() || r.parked.isEmpty()) {
            int index = !r.rerun.isEmpty() ? r.rerun.pollFirst() : r.next++;
            queued--;
            metrics.queueSeconds(name, (System.nanoTime() - r.arrival) / NANOS_PER_SECOND);
            int id = solver.add(r.puzzles.get(index), r.spec.policy(), r.spec.effort());
            seats.put(id, new Seat(r, index));
            joinedAt.put(id, solver.steps());
            r.ids.add(id);
        } else {
            int id = r.parked.pollFirst();
            solver.resume(id);
            joinedAt.put(id, solver.steps());
        }
    }

    /**
     * Time-slicing: while requests wait and the batch is full, the request holding the most puzzles
     * in the batch, if more than its share, parks the one that has run longest (once it ran N_sup
     * steps); it then waits its turn like a queued puzzle. One puzzle per step at most. Holds the lock.
     */
    private void rebalance() {
        if (waiting.isEmpty() || solver.batchSize() < maxBatch || suspectInBatch() != null) {
            return;
        }
        Map<Request, Integer> held = new HashMap<>();
        joinedAt.keySet().forEach(id -> held.merge(seats.get(id).request(), 1, Integer::sum));
        long wanting = held.size() + waiting.stream().filter(r -> !held.containsKey(r)).count();
        int share = (int) Math.max(1, maxBatch / wanting);
        Request greedy = held.entrySet().stream().max(Map.Entry.comparingByValue()).map(Map.Entry::getKey).orElse(null);
        if (greedy == null || held.get(greedy) <= share) {
            return;
        }
        Integer longest = null;
        for (int id : greedy.ids) {
            Integer since = joinedAt.get(id);
            if (since != null && solver.steps() - since >= parkAfterSteps && (longest == null || since < joinedAt.get(longest))) {
                longest = id;
            }
        }
        if (longest != null && solver.park(longest)) {
            joinedAt.remove(longest);
            greedy.parked.addLast(longest);
            if (!waiting.contains(greedy)) {
                waiting.addLast(greedy);
            }
        }
    }

    private void step() {
        int batch = solver.batchSize();
        long t0 = System.nanoTime();
        try {
            java.util.function.Predicate<String> fault = faultForTests;
            if (fault != null) { // null outside the tests: no look at the batch on the step path
                for (Seat seat : seats.values()) {
                    if (fault.test(seat.request().puzzles.get(seat.index()).text())) {
                        throw new IllegalStateException("a step failure injected by a test");
                    }
                }
            }
            solver.step();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "model " + name + ": a step failed; its requests run again, each alone", e);
            failBatch(e);
            return;
        }
        metrics.step(name, batch, (System.nanoTime() - t0) / 1e9);
        Set<Listener> heard = new LinkedHashSet<>();
        for (Seat seat : seats.values()) {
            if (seat.request().listener != null) {
                heard.add(seat.request().listener);
            }
        }
        for (Solver.Finished f : solver.takeFinished()) {
            Seat seat = seats.remove(f.id());
            joinedAt.remove(f.id());
            if (seat == null) {
                continue;
            }
            Solution s = f.solution();
            metrics.puzzle(name, !s.solved() ? "unsolved" : s.solvedBy());
            Request r = seat.request();
            r.solutions[seat.index()] = s;
            if (r.listener != null) {
                r.listener.onSolution(seat.index(), s);
            }
            if (--r.remaining == 0) {
                answer(r, false);
            }
        }
        heard.forEach(Listener::onStepEnd);
    }

    /** A request's puzzles still in the batch leave it (a passed deadline, a caller who left). */
    private void leave(Request r) {
        for (int id : r.ids) {
            joinedAt.remove(id);
            if (seats.remove(id) != null) {
                solver.cancel(id);
            }
        }
    }

    private void answer(Request r, boolean deadlinePassed) {
        lock.lock();
        try {
            open.remove(r);
            if (open.isEmpty()) {
                idle.signalAll();
            }
        } finally {
            lock.unlock();
        }
        r.answer.complete(new Outcome(Arrays.asList(r.solutions.clone()), deadlinePassed));
    }

    /**
     * A step failed in ONNX Runtime: a fresh batch starts, and each request that had puzzles in the
     * failed one runs its unfinished puzzles again from their start, alone; a request already in a
     * failed step before (so, alone) fails with the error.
     */
    private void failBatch(RuntimeException e) {
        Set<Request> hit = new LinkedHashSet<>();
        for (Seat seat : seats.values()) {
            hit.add(seat.request());
        }
        seats.clear();
        joinedAt.clear();
        solver.close();
        solver = model.continuousSolver(observer, maxBatch);
        List<Request> failed = new ArrayList<>();
        lock.lock();
        try {
            for (Request r : hit) {
                r.ids.clear();
                r.parked.clear();
                waiting.remove(r);
                if (++r.failedSteps > MAX_FAILED_STEPS) {
                    queued -= r.puzzles.size() - r.next + r.rerun.size();
                    r.rerun.clear();
                    open.remove(r);
                    failed.add(r);
                    continue;
                }
                queued -= r.rerun.size(); // counted again below, with the puzzles that were running
                r.rerun.clear();
                for (int i = 0; i < r.next; i++) {
                    if (r.solutions[i] == null) {
                        r.rerun.addLast(i);
                    }
                }
                queued += r.rerun.size();
                waiting.addFirst(r);
            }
            metrics.queueDepth(name, queued);
            if (open.isEmpty()) {
                idle.signalAll();
            }
        } finally {
            lock.unlock();
        }
        for (Request r : failed) {
            r.answer.completeExceptionally(e);
        }
    }

    /** Stops the loop (after {@link #drain}); requests still open fail. */
    @Override
    public void close() {
        lock.lock();
        try {
            closing = true;
            stopped = true;
            work.signalAll();
        } finally {
            lock.unlock();
        }
        thread.interrupt();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        lock.lock();
        try {
            for (Request r : open) {
                r.answer.completeExceptionally(new ClosingException("the server shut down before the request finished"));
            }
            open.clear();
            waiting.clear();
        } finally {
            lock.unlock();
        }
        solver.close();
    }
}
