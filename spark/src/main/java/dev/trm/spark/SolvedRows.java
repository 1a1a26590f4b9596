package dev.trm.spark;

import dev.trm.runtime.InvalidPuzzleException;
import dev.trm.runtime.Solution;
import dev.trm.runtime.SolveConfig;
import dev.trm.runtime.Solver;
import dev.trm.runtime.TrmModel;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * One partition's rows going through a continuous {@link Solver}: rows join the batch while it has
 * fewer than {@code batch} lanes, each leaves with its solution as soon as it finishes, so the batch
 * stays full until the partition runs out. Streams: at most a batch of rows is held at a time. A
 * row whose puzzle the model's task refuses leaves at once with its {@code error}, unless
 * {@code failFast}. Rows come out in the order they finish.
 */
final class SolvedRows implements Iterator<Row>, AutoCloseable {
    private final Iterator<Row> input;
    private final int column;
    private final TrmModel model;
    private final SolveConfig spec;
    private final int batch;
    private final boolean failFast;
    private final Solver solver;
    private final Map<Integer, Row> running = new HashMap<>();
    private final ArrayDeque<Row> ready = new ArrayDeque<>();

    SolvedRows(Iterator<Row> input, int column, TrmModel model, SolveConfig spec, int batch, boolean failFast) {
        this.input = input;
        this.column = column;
        this.model = model;
        this.spec = spec;
        this.batch = batch;
        this.failFast = failFast;
        this.solver = model.continuousSolver(null);
    }

    @Override
    public boolean hasNext() {
        while (ready.isEmpty() && (input.hasNext() || !solver.isDone())) {
            admit();
            if (!solver.isDone()) {
                solver.step();
                for (Solver.Finished f : solver.takeFinished()) {
                    ready.add(solved(running.remove(f.id()), f.solution()));
                }
            }
        }
        if (ready.isEmpty()) {
            close();
            return false;
        }
        return true;
    }

    @Override
    public Row next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        return ready.poll();
    }

    /** Rows join the batch while it has room; a bad one goes straight out with its error. */
    private void admit() {
        while (solver.batchSize() < batch && input.hasNext() && ready.size() < batch) {
            Row row = input.next();
            String puzzle = row.isNullAt(column) ? null : row.get(column).toString();
            try {
                if (puzzle == null) {
                    throw new InvalidPuzzleException("the puzzle is null");
                }
                running.put(solver.add(puzzle, spec.policy(), spec.effort()), row);
            } catch (InvalidPuzzleException e) {
                if (failFast) {
                    throw new InvalidPuzzleException("puzzle '" + puzzle + "': " + e.getMessage(), e);
                }
                ready.add(failed(row, e.getMessage()));
            }
        }
    }

    private static Row solved(Row in, Solution s) {
        return with(in, s.answer(), s.solved(), s.solvedBy(), s.steps(), s.copies(), s.totalSteps(), s.haltReason(),
                s.haltProbabilities()[s.haltProbabilities().length - 1], s.nanos() / 1e6, null);
    }

    private static Row failed(Row in, String error) {
        return with(in, null, false, null, 0, 0, 0, null, null, null, error);
    }

    /** The input row's values followed by the solve columns, in {@link TrmSpark#SOLVE_FIELDS} order. */
    private static Row with(Row in, Object... solveValues) {
        Object[] values = new Object[in.length() + solveValues.length];
        for (int i = 0; i < in.length(); i++) {
            values[i] = in.get(i);
        }
        System.arraycopy(solveValues, 0, values, in.length(), solveValues.length);
        return RowFactory.create(values);
    }

    @Override
    public void close() {
        solver.close();
    }
}
