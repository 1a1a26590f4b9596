package dev.trm.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.udf;
import static org.apache.spark.sql.functions.when;

import dev.trm.runtime.Scorecard;
import dev.trm.runtime.Solution;
import dev.trm.runtime.SolveConfig;
import dev.trm.runtime.TrmModel;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.api.java.UDF3;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.TaskCompletionListener;

/**
 * TRM solving and evaluation on Spark: each partition streams through the runtime's batched,
 * continuous {@code Solver} on its executor, where the model is loaded once per JVM
 * ({@link SparkModel}). A puzzle's answer equals {@code trm solve}'s for the same effort and seed,
 * whatever the partitioning (the runtime's answers do not depend on batch-mates).
 */
public final class TrmSpark {
    public static final String ANSWER = "answer";
    public static final String SOLVED = "solved";
    public static final String SOLVED_BY = "solved_by";
    public static final String STEPS = "steps";
    public static final String COPIES = "copies";
    public static final String TOTAL_STEPS = "total_steps";
    public static final String HALT = "halt";
    public static final String HALT_PROBABILITY = "halt_probability";
    public static final String MS = "ms";
    public static final String ERROR = "error";
    /** What {@link #evaluate} calls the label column while it runs. */
    static final String LABEL = "label";
    /** The columns {@link #solve} adds after the input's, with the names of {@code trm solve --json}'s fields. */
    public static final List<StructField> SOLVE_FIELDS = List.of(
            DataTypes.createStructField(ANSWER, DataTypes.StringType, true),
            DataTypes.createStructField(SOLVED, DataTypes.BooleanType, false),
            DataTypes.createStructField(SOLVED_BY, DataTypes.StringType, true),
            DataTypes.createStructField(STEPS, DataTypes.IntegerType, false),
            DataTypes.createStructField(COPIES, DataTypes.IntegerType, false),
            DataTypes.createStructField(TOTAL_STEPS, DataTypes.IntegerType, false),
            DataTypes.createStructField(HALT, DataTypes.StringType, true),
            DataTypes.createStructField(HALT_PROBABILITY, DataTypes.FloatType, true),
            DataTypes.createStructField(MS, DataTypes.DoubleType, true),
            DataTypes.createStructField(ERROR, DataTypes.StringType, true));
    /** The prefix an input column takes when its name is one of the solve columns' ({@code answer} becomes {@code input_answer}). */
    public static final String INPUT_PREFIX = "input_";
    /** Lanes one task runs together, by default. */
    public static final int DEFAULT_BATCH = 32;

    private TrmSpark() {
    }

    /**
     * The input rows plus the solve columns ({@link #SOLVE_FIELDS}); a row whose puzzle is bad gets
     * its {@code error} and the job goes on, unless {@code failFast}. An input column named like a
     * solve column is kept as {@code input_NAME} (a data set's {@code answer} labels become
     * {@code input_answer}).
     *
     * @param column the column holding the puzzles (text)
     * @param batch  lanes one task runs together
     */
    public static Dataset<Row> solve(Dataset<Row> puzzles, String column, SparkModel model, SolveConfig spec, int batch, boolean failFast) {
        if (batch < 1) {
            throw new IllegalArgumentException("batch must be at least 1, got " + batch);
        }
        int index = Arrays.asList(puzzles.columns()).indexOf(column);
        if (index < 0) {
            throw new IllegalArgumentException("no column '" + column + "' in " + Arrays.toString(puzzles.columns()));
        }
        DataType type = puzzles.schema().fields()[index].dataType();
        if (!type.equals(DataTypes.StringType)) {
            throw new IllegalArgumentException("column '" + column + "' holds " + type.simpleString() + ", not text");
        }
        Dataset<Row> in = puzzles;
        for (StructField f : SOLVE_FIELDS) {
            if (Arrays.asList(in.columns()).contains(f.name())) { // a data set's labels are often called 'answer'
                in = in.withColumnRenamed(f.name(), INPUT_PREFIX + f.name());
            }
        }
        StructType out = in.schema();
        for (StructField f : SOLVE_FIELDS) {
            out = out.add(f);
        }
        return in.mapPartitions(new SolvePartition(model, index, spec, batch, failFast), Encoders.row(out));
    }

    /** Solves one partition (serialized to the executors). */
    private record SolvePartition(SparkModel model, int column, SolveConfig spec, int batch, boolean failFast)
            implements MapPartitionsFunction<Row, Row> {
        private static final long serialVersionUID = 1L;

        @Override
        public Iterator<Row> call(Iterator<Row> rows) {
            if (!rows.hasNext()) {
                return rows; // an empty partition loads nothing
            }
            TrmModel m = model.load();
            SolvedRows solved = new SolvedRows(rows, column, m, spec, batch, failFast);
            TaskContext task = TaskContext.get();
            if (task != null) {
                task.addTaskCompletionListener((TaskCompletionListener) context -> solved.close()); // a killed task frees its tensors too
            }
            return solved;
        }
    }

    /**
     * What {@code trm eval} prints for one policy and effort, summed over every executor.
     *
     * @param puzzles the rows evaluated
     * @param exact   puzzles the model itself solved with the labelled answer
     * @param solved  puzzles the model itself solved (verified by the task's checker)
     * @param errors  rows refused (a bad puzzle); they count as not solved
     * @param steps   supervision steps summed over all copies
     * @param copies  copies summed
     * @param seconds wall time of the job
     */
    public record Evaluation(String policy, String effort, long puzzles, long exact, long solved, long errors, long steps, long copies,
                             double seconds) implements java.io.Serializable {
        private static final long serialVersionUID = 1L;

        public double accuracy() {
            return puzzles == 0 ? 0 : (double) exact / puzzles;
        }

        public double meanSteps() {
            return puzzles == 0 ? 0 : (double) steps / puzzles;
        }

        public double meanCopies() {
            return puzzles == 0 ? 0 : (double) copies / puzzles;
        }

        public double puzzlesPerSecond() {
            return puzzles / seconds;
        }
    }

    /**
     * Evaluates like {@code trm eval}: exact accuracy ({@link Scorecard#isExact}: the model's own
     * answer equals the label), puzzles solved, steps and copies per puzzle.
     */
    public static Evaluation evaluate(Dataset<Row> puzzles, String questionColumn, String answerColumn, SparkModel model, SolveConfig spec,
                                      int batch) {
        if (!Arrays.asList(puzzles.columns()).contains(answerColumn)) {
            throw new IllegalArgumentException("no column '" + answerColumn + "' (the labels) in " + Arrays.toString(puzzles.columns()));
        }
        Dataset<Row> labelled = puzzles.withColumnRenamed(answerColumn, LABEL);
        long t0 = System.nanoTime();
        Column byModel = col(SOLVED).and(col(SOLVED_BY).equalTo(lit(Solution.MODEL)));
        Column exact = udf((UDF3<String, String, String, Boolean>) Scorecard::isExact, DataTypes.BooleanType)
                .apply(col(SOLVED_BY), col(ANSWER), col(LABEL));
        Row totals = solve(labelled, questionColumn, model, spec, batch, false).agg(
                count(lit(1)),
                sum(when(exact, 1).otherwise(0)),
                sum(when(byModel, 1).otherwise(0)),
                sum(when(col(ERROR).isNotNull(), 1).otherwise(0)),
                sum(col(TOTAL_STEPS).cast(DataTypes.LongType)),
                sum(col(COPIES).cast(DataTypes.LongType))).first();
        double seconds = (System.nanoTime() - t0) / 1e9;
        return new Evaluation(spec.policyName(), spec.effortName(), totals.getLong(0), longOrZero(totals, 1), longOrZero(totals, 2), longOrZero(totals, 3),
                longOrZero(totals, 4), longOrZero(totals, 5), seconds);
    }

    private static long longOrZero(Row r, int i) {
        return r.isNullAt(i) ? 0 : r.getLong(i);
    }
}
