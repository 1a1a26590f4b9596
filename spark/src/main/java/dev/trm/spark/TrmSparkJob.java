package dev.trm.spark;

import dev.trm.options.SolveOptions;
import dev.trm.runtime.SolveConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The job {@code spark-submit} runs, and {@code ./trm-spark} runs locally: {@code solve IN -o OUT}
 * and {@code eval IN}. Exit codes as {@code trm}'s: 0 success, 1 bad input, 2 a usage error.
 */
@Command(name = "trm-spark", mixinStandardHelpOptions = true, version = "trm-spark 0.1.0",
        description = "Solve or evaluate puzzle data sets (CSV or Parquet) with a TRM on Apache Spark.",
        subcommands = {TrmSparkJob.Solve.class, TrmSparkJob.Eval.class, ClusterCommand.class})
public final class TrmSparkJob {
    /** The master when neither --master nor spark-submit names one: both cores of this machine. */
    static final String LOCAL_MASTER = "local[2]";
    /** The system property naming the model of a job given no --model ({@code ./trm-spark} sets it to the bundled one). */
    static final String DEFAULT_MODEL_PROPERTY = "trm.spark.defaultModel";
    /** The column naming each row's input file. */
    static final String WHERE = "where";

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new TrmSparkJob());
        cl.setExecutionExceptionHandler((e, line, parsed) -> {
            Throwable cause = badInput(e);
            if (cause == null) {
                throw e;
            }
            line.getErr().println(line.getCommandSpec().qualifiedName() + ": " + cause.getMessage());
            line.getErr().flush();
            return 1;
        });
        return cl;
    }

    /**
     * The bad input behind a failure, however deep Spark wrapped it (a task's exception reaches the
     * driver inside a SparkException): a refused puzzle, a model that does not load, a bad option or
     * path. Null for anything else (a bug, or the cluster), which keeps its stack trace.
     */
    static Throwable badInput(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof IllegalArgumentException || t instanceof dev.trm.runtime.TrmRuntimeException
                    || t instanceof org.apache.spark.sql.AnalysisException) {
                return t;
            }
        }
        return null;
    }

    /** What both commands take: the input, the model, how to solve, where Spark runs. */
    static final class Common {
        @Parameters(index = "0", paramLabel = "IN", description = "puzzles: a CSV with a header, or Parquet (a .parquet file or folder)")
        String in;

        @Option(names = {"-m", "--model"},
                description = "the exported model (.onnx): a path every executor can read, or a file shipped with --files (default:"
                        + " ./trm-spark gives the bundled Sudoku model, models/sudoku-default.onnx)")
        String model;

        @Option(names = "--column", defaultValue = "question", description = "the puzzle column (default: ${DEFAULT-VALUE})")
        String column;

        @Mixin
        SolveOptions solve;

        @Option(names = "--master", description = "Spark master (default: spark-submit's, else " + LOCAL_MASTER + ")")
        String master;

        @Option(names = "--partitions", description = "repartition the input into N partitions first")
        Integer partitions;

        @Option(names = "--batch", defaultValue = "" + TrmSpark.DEFAULT_BATCH, description = "lanes one task runs together (default: ${DEFAULT-VALUE})")
        int batch;

        @Option(names = "--threads", defaultValue = "1",
                description = "ONNX Runtime intra-op threads per executor model; tasks already run one per core (default: ${DEFAULT-VALUE})")
        int threads;

        /** A master URL Spark knows: local, local[N], local[N,M], local[*], spark://HOST:PORT[,...], yarn, k8s://..., mesos://... */
        private static final java.util.regex.Pattern MASTER = java.util.regex.Pattern.compile(
                "local|local\\[(\\*|[1-9][0-9]*)(,[1-9][0-9]*)?]|local-cluster\\[.*]|spark://.+|yarn|k8s://.+|mesos://.+");
        /** How long the check that a standalone master answers may wait. */
        private static final int MASTER_CONNECT_MILLIS = 3000;

        /**
         * What can be checked before Spark starts: the master URL's form, and that a standalone master
         * answers at all (Spark itself retries for a minute, then prints a long trace).
         */
        void checkMaster() {
            if (master == null) {
                return;
            }
            if (!MASTER.matcher(master).matches()) {
                throw new IllegalArgumentException("--master: '" + master + "' is not a master URL (local[N] with N >= 1, local[*],"
                        + " spark://HOST:PORT, yarn or k8s://...)");
            }
            if (master.startsWith("spark://")) {
                String first = master.substring("spark://".length()).split(",")[0];
                int colon = first.lastIndexOf(':');
                try (java.net.Socket probe = new java.net.Socket()) {
                    probe.connect(new java.net.InetSocketAddress(first.substring(0, colon), Integer.parseInt(first.substring(colon + 1))),
                            MASTER_CONNECT_MILLIS);
                } catch (java.io.IOException | RuntimeException e) {
                    throw new IllegalArgumentException("--master " + master + ": no master answers there (" + e.getMessage()
                            + "); start one with ./trm-spark cluster start, or check the URL");
                }
            }
        }

        SparkSession session(String app) {
            checkMaster();
            SparkSession.Builder b = SparkSession.builder().appName(app);
            if (master != null) {
                b.master(master);
                if (master.startsWith("spark://") && !new org.apache.spark.SparkConf().contains("spark.jars")) {
                    // run without spark-submit against a standalone cluster: ship this job's jar to the executors
                    b.config("spark.jars", jobJar()).config("spark.driver.host", "127.0.0.1")
                            .config("spark.driver.bindAddress", "127.0.0.1");
                }
            } else if (!new org.apache.spark.SparkConf().contains("spark.master")) {
                b.master(LOCAL_MASTER).config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1")
                        .config("spark.ui.enabled", "false");
            }
            SparkSession spark = b.getOrCreate();
            spark.sparkContext().setLogLevel("WARN");
            java.nio.file.Path local = java.nio.file.Path.of(modelPath());
            if (!spark.sparkContext().isLocal() && java.nio.file.Files.isRegularFile(local)) {
                // a model on the driver's disk travels to the executors as --files would take it (SparkModel finds it there)
                spark.sparkContext().addFile(local.toAbsolutePath().toString());
            }
            return spark;
        }

        Dataset<Row> read(SparkSession spark) {
            boolean parquet = in.toLowerCase(Locale.ROOT).endsWith(".parquet");
            Dataset<Row> rows = parquet ? spark.read().parquet(in) : spark.read().option("header", "true").csv(in);
            if (!List.of(rows.columns()).contains(column)) {
                throw new IllegalArgumentException(in + ": no column '" + column + "' (it has " + List.of(rows.columns())
                        + "); name the puzzle column with --column");
            }
            rows = rows.withColumn(WHERE, functions.input_file_name()); // while the rows still come straight from their files
            return partitions != null ? rows.repartition(partitions) : rows;
        }

        /** The jar this class came from (the shaded job jar when run by ./trm-spark). */
        private static String jobJar() {
            try {
                return java.nio.file.Path.of(TrmSparkJob.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
            } catch (java.net.URISyntaxException e) {
                throw new IllegalStateException(e);
            }
        }

        SparkModel sparkModel() {
            return new SparkModel(modelPath(), threads);
        }

        /** --model, else the default the launcher names (the checkout's bundled model). */
        String modelPath() {
            String m = model != null ? model : System.getProperty(DEFAULT_MODEL_PROPERTY);
            if (m == null) {
                throw new IllegalArgumentException("--model: give the exported model (.onnx) to run");
            }
            return m;
        }
    }

    @Command(name = "solve", mixinStandardHelpOptions = true, description = "Solve every puzzle; write the rows with their answers.")
    static final class Solve implements Callable<Integer> {
        @Mixin
        Common common;

        @Option(names = {"-o", "--out"}, required = true, description = "the output folder (must not exist)")
        String out;

        @Option(names = "--format", defaultValue = "parquet",
                description = "parquet, csv, or json (one object per line with the fields of trm solve --json) (default: ${DEFAULT-VALUE})")
        String format;

        @Option(names = "--fail-fast", description = "stop at the first bad puzzle instead of writing its row with an error")
        boolean failFast;

        @Override
        public Integer call() {
            if (!List.of("parquet", "csv", "json").contains(format)) {
                throw new IllegalArgumentException("--format: parquet, csv or json, got '" + format + "'");
            }
            SolveConfig spec = common.solve.config();
            checkLocalOutput(out);
            SparkSession spark = common.session("trm-spark solve");
            try {
                Dataset<Row> input = common.read(spark);
                Dataset<Row> solved = TrmSpark.solve(input, common.column, common.sparkModel(), spec, common.batch, failFast);
                if (format.equals("json")) {
                    solved = solved.select(jsonColumns(common.column));
                }
                try {
                    if (fileSystem(spark, out).exists(new org.apache.hadoop.fs.Path(out))) {
                        throw new IllegalArgumentException("-o: " + out + " exists already; give a new folder");
                    }
                } catch (java.io.IOException e) {
                    throw new IllegalArgumentException("-o: " + out + ": " + e.getMessage(), e);
                }
                try {
                    solved.write().mode(SaveMode.ErrorIfExists).option("header", "true").option("ignoreNullFields", "false").format(format)
                            .save(out);
                } catch (Exception e) { // Spark's failures are checked exceptions thrown unchecked
                    removeHalfWritten(spark, out);
                    throw e;
                }
                Dataset<Row> written = spark.read().format(format).option("header", "true").load(out);
                long errors = List.of(written.columns()).contains(TrmSpark.ERROR) // an input without rows writes no columns
                        ? written.filter(functions.col(TrmSpark.ERROR).isNotNull()).count() : 0;
                System.out.printf("wrote %s (%s)%s%n", out, format, errors == 0 ? "" : "; " + errors + " rows have an error");
                return 0;
            } finally {
                spark.stop();
            }
        }

        /**
         * A local output folder (no scheme, or file:) is checked before Spark starts: it must not exist,
         * and its parent must be a folder this user can write (the job used to run to its end first).
         */
        static void checkLocalOutput(String out) {
            if (out.contains("://") && !out.startsWith("file:")) {
                return; // hdfs://, s3a://, ...: Spark checks it
            }
            java.nio.file.Path path = java.nio.file.Path.of(out.startsWith("file:") ? java.net.URI.create(out).getPath() : out)
                    .toAbsolutePath();
            if (java.nio.file.Files.exists(path)) {
                throw new IllegalArgumentException("-o: " + out + " exists already; give a new folder");
            }
            java.nio.file.Path parent = path.getParent();
            if (parent == null || !java.nio.file.Files.isDirectory(parent)) {
                throw new IllegalArgumentException("-o: " + out + ": " + parent + " is not a folder");
            }
            try { // a folder made and removed at once: permission bits do not tell for root, nor for /proc
                java.nio.file.Files.delete(java.nio.file.Files.createTempDirectory(parent, ".trm-spark-check"));
            } catch (java.io.IOException | SecurityException e) {
                throw new IllegalArgumentException("-o: " + out + ": the folder " + parent + " is not writable");
            }
        }

        private static org.apache.hadoop.fs.FileSystem fileSystem(SparkSession spark, String path) throws java.io.IOException {
            return new org.apache.hadoop.fs.Path(path).getFileSystem(spark.sparkContext().hadoopConfiguration());
        }

        /** Deletes what a failed write left of the output folder (it did not exist before: ErrorIfExists). */
        private static void removeHalfWritten(SparkSession spark, String out) {
            try {
                fileSystem(spark, out).delete(new org.apache.hadoop.fs.Path(out), true);
            } catch (java.io.IOException | RuntimeException e) {
                System.err.println("trm-spark solve: could not remove the half-written " + out + ": " + e.getMessage());
            }
        }

        /** {@code trm solve --json}'s fields, in its order (the puzzle column as {@code puzzle}), and the error. */
        private static Column[] jsonColumns(String puzzleColumn) {
            return new Column[] {functions.col(WHERE), functions.col(puzzleColumn).as("puzzle"), functions.col(TrmSpark.ANSWER),
                functions.col(TrmSpark.SOLVED), functions.col(TrmSpark.SOLVED_BY), functions.col(TrmSpark.STEPS),
                functions.col(TrmSpark.COPIES), functions.col(TrmSpark.TOTAL_STEPS), functions.col(TrmSpark.HALT),
                functions.col(TrmSpark.HALT_PROBABILITY), functions.col(TrmSpark.MS), functions.col(TrmSpark.ERROR)};
        }
    }

    @Command(name = "eval", mixinStandardHelpOptions = true,
            description = "Exact accuracy, steps, copies and puzzles/s per policy and effort, as trm eval prints them.")
    static final class Eval implements Callable<Integer> {
        @Mixin
        Common common;

        @Option(names = "--answer-column", defaultValue = "answer", description = "the labels (default: ${DEFAULT-VALUE})")
        String answerColumn;

        @Option(names = "--efforts", split = ";", description = "efforts to evaluate, ';'-separated (default: --effort)")
        List<String> efforts;

        @Option(names = "--policies", split = ",", description = "policies to evaluate (default: --policy)")
        List<String> policies;

        @Override
        public Integer call() {
            List<String> es = efforts != null ? efforts : List.of(common.solve.effortName());
            List<String> ps = policies != null ? policies : List.of(common.solve.policyName());
            List<SolveConfig> rows = new ArrayList<>();
            for (String p : ps) {
                for (String e : es) {
                    rows.add(common.solve.with(p, e)); // a bad name fails before Spark starts
                }
            }
            SparkSession spark = common.session("trm-spark eval");
            try {
                Dataset<Row> input = common.read(spark).cache();
                long n = input.count();
                System.out.printf("%s on %s: %d puzzles, %d partitions, master %s%n", common.modelPath(), common.in, n,
                        input.rdd().getNumPartitions(), spark.sparkContext().master());
                System.out.printf("%-18s %-12s %8s %8s %14s %12s %12s %11s%n", "policy", "effort", "exact", "solved", "steps/puzzle",
                        "copies/pzl", "ms/puzzle", "puzzles/s");
                for (SolveConfig row : rows) {
                    TrmSpark.Evaluation r = TrmSpark.evaluate(input, common.column, answerColumn, common.sparkModel(), row, common.batch);
                    System.out.printf("%-18s %-12s %8.4f %8d %14.2f %12.2f %12.2f %11.1f%s%n", row.policyName(), row.effortName(), r.accuracy(),
                            r.solved(), r.meanSteps(), r.meanCopies(), 1000 * r.seconds() / r.puzzles(), r.puzzlesPerSecond(),
                            r.errors() == 0 ? "" : "  (" + r.errors() + " rows refused)");
                }
                return 0;
            } finally {
                spark.stop();
            }
        }
    }
}
