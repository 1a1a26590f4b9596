package dev.trm.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trm.data.SudokuGenerator;
import dev.trm.runtime.RuntimeConfig;
import dev.trm.runtime.Scorecard;
import dev.trm.runtime.Solution;
import dev.trm.runtime.SolveConfig;
import dev.trm.runtime.TrmModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The job on a real Spark standalone cluster: a Master and two one-core Workers, each its own JVM on
 * 127.0.0.1, the job submitted by Spark's own {@code SparkSubmit} with the model shipped by
 * {@code --files}. Runs after {@code package} (it needs the shaded job jar and Spark's jars), and
 * stops every process it started, checking that each is gone.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StandaloneClusterIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path MODEL = Path.of(System.getProperty("trm.models.dir", "../models"), "sudoku-default.onnx").toAbsolutePath();
    private static final Path SPARK_LIB = Path.of(System.getProperty("trm.spark.lib", "target/spark-lib")).toAbsolutePath();
    private static final Path JOB_JAR = Path.of(System.getProperty("trm.spark.jobJar", "target/trm-spark-job.jar")).toAbsolutePath();
    /** The solve every run here asks for: one copy, stopping on a verified answer (bounded: at most N_sup steps). */
    private static final SolveConfig CONFIG = SolveConfig.parse("verified", "plain", "none", 0);
    /** Rows of the lost-worker run: enough that one worker alone still has about twenty seconds of work after the kill. */
    private static final int PUZZLES = 400;
    private static final int FEW = 200;
    private static final String[] BAD_ROWS = {"not a puzzle", "12", "11" + ".".repeat(79), "x".repeat(81), "0".repeat(80)};
    private static final Pattern LOADED = Pattern.compile("trm-spark: loaded model (\\S+) ");
    private static final Duration JOB_TIMEOUT = Duration.ofMinutes(3);

    private static Path dir;
    private static StandaloneCluster cluster;
    /** Every process this class started or saw the cluster start, to check they are all gone at the end. */
    private static final Set<ProcessHandle> started = new LinkedHashSet<>();
    private static List<String> puzzles;
    private static final Map<String, String> labels = new HashMap<>();
    /** trm solve's answers to the first FEW puzzles. */
    private static Map<String, String> expected;
    private static Scorecard expectedFew;

    @BeforeAll
    static void startTheClusterAndSolveLocally() throws IOException {
        dir = Files.createTempDirectory("trm-spark-cluster");
        Set<String> unique = new LinkedHashSet<>();
        SudokuGenerator gen = new SudokuGenerator(4343);
        while (unique.size() < PUZZLES) {
            SudokuGenerator.Puzzle p = gen.next(SudokuGenerator.Difficulty.givens(24, 34));
            if (unique.add(p.question().toLine())) {
                labels.put(p.question().toLine(), p.answer().toLine());
            }
        }
        puzzles = new ArrayList<>(unique);
        List<String> csv = new ArrayList<>(List.of("question,answer"));
        for (String p : puzzles) {
            csv.add(p + "," + labels.get(p));
        }
        Files.write(dir.resolve("all.csv"), csv);
        Files.write(dir.resolve("few.csv"), csv.subList(0, FEW + 1));
        List<String> withBad = new ArrayList<>(csv);
        for (String bad : BAD_ROWS) {
            withBad.add(withBad.size() / 2, bad + ",");
        }
        Files.write(dir.resolve("with-bad.csv"), withBad);
        List<String> few = puzzles.subList(0, FEW);
        try (TrmModel m = TrmModel.load(MODEL, RuntimeConfig.cpu())) { // trm solve's answers: the same runtime, the same settings
            List<Solution> sols = m.solveAll(few, CONFIG.policy(), CONFIG.effort(), 32, null);
            expected = new HashMap<>();
            for (int i = 0; i < FEW; i++) {
                expected.put(few.get(i), sols.get(i).answer());
            }
            expectedFew = Scorecard.of(m.task(), sols, few.stream().map(labels::get).toList());
        }
        long t0 = System.nanoTime();
        cluster = StandaloneCluster.start(dir.resolve("cluster"), SPARK_LIB, new StandaloneCluster.ClusterConfig(2, 1, "1g"));
        System.out.printf("cluster: a Master and 2 Workers registered in %.1f s%n", (System.nanoTime() - t0) / 1e9);
        started.addAll(cluster.processes());
    }

    @AfterAll
    static void stopEverythingAndCheckItIsGone() throws IOException {
        if (cluster != null) {
            started.addAll(cluster.processes());
            cluster.close();
        }
        started.forEach(ProcessHandle::destroyForcibly);
        for (ProcessHandle p : started) {
            p.onExit().join();
            assertFalse(p.isAlive(), "process " + p.pid() + " outlived the test");
        }
        try (Stream<Path> all = Files.walk(dir)) {
            all.sorted((a, b) -> b.compareTo(a)).forEach(p -> p.toFile().delete());
        }
    }

    @Test
    @Order(1)
    void solveAndEvalOnTwoWorkersGiveTrmSolvesAnswersWithTheModelShippedByFilesAndLoadedOncePerExecutor() throws Exception {
        Path out = dir.resolve("few-out");
        Run solve = submit("few-solve", solveArgs(dir.resolve("few.csv"), out));
        assertEquals(0, solve.exitCode(), solve.log());
        Map<String, List<JsonNode>> rows = rowsByPuzzle(out);
        assertEquals(FEW, rows.size());
        for (String p : puzzles.subList(0, FEW)) {
            assertEquals(1, rows.get(p).size(), "each row once: " + p);
            assertEquals(expected.get(p), rows.get(p).get(0).get("answer").asText(), "the answer trm solve gives: " + p);
        }
        // each executor (one per worker) loaded the model once, from the copy --files put in its own folder
        List<Path> loads = modelLoads(solve.appId());
        assertEquals(2, loads.size(), "one load in each of the two executors: " + loads);
        for (Path model : loads) {
            assertTrue(model.startsWith(dir.resolve("cluster")), "the executor's copy (shipped by --files), not " + model);
            assertFalse(model.equals(MODEL));
        }

        Run eval = submit("few-eval", "eval", dir.resolve("few.csv").toString(), "-m", MODEL.getFileName().toString(),
                "--partitions", "8", "--effort", CONFIG.effortName(), "--policy", CONFIG.policyName());
        assertEquals(0, eval.exitCode(), eval.log());
        Matcher row = Pattern.compile("verified\\s+plain\\s+([0-9.]+)\\s+([0-9]+)\\s+([0-9.]+)").matcher(eval.log());
        assertTrue(row.find(), eval.log());
        assertEquals(String.format("%.4f", expectedFew.accuracy()), row.group(1), "exact accuracy as trm eval counts it");
        assertEquals(expectedFew.solved(), Integer.parseInt(row.group(2)));
        assertEquals(String.format("%.2f", expectedFew.meanSteps()), row.group(3));
    }

    @Test
    @Order(2)
    void aDriverKilledOutrightLeavesNoSuccessMarkerSoNoReaderTakesTheFolderForAResult() throws Exception {
        Path out = dir.resolve("killed-out");
        Run job = start("killed", solveArgs(dir.resolve("all.csv"), out));
        awaitLoads(job, 1);
        List<ProcessHandle> driver = new ArrayList<>(job.process().descendants().toList());
        driver.add(job.process().toHandle());
        driver.forEach(ProcessHandle::destroyForcibly); // SIGKILL: no shutdown hook runs
        driver.forEach(p -> p.onExit().join());
        assertFalse(Files.exists(out.resolve("_SUCCESS")), "a killed job must not look finished");
        awaitNoApplication();
    }

    @Test
    @Order(3)
    void aWorkerLostMidJobLosesNoRowAndDuplicatesNoneAndBadRowsKeepTheirError() throws Exception {
        Path out = dir.resolve("lost-out");
        Run job = start("lost", solveArgs(dir.resolve("with-bad.csv"), out));
        awaitLoads(job, 2); // both executors are solving
        started.addAll(cluster.processes());
        cluster.killWorker(0);
        long t0 = System.nanoTime();
        assertTrue(job.process().waitFor(JOB_TIMEOUT.toSeconds(), TimeUnit.SECONDS), "the job finished on the remaining worker");
        System.out.printf("lost-worker run: finished %.1f s after the kill%n", (System.nanoTime() - t0) / 1e9);
        assertEquals(0, job.process().exitValue(), job.log());
        assertTrue(Files.exists(out.resolve("_SUCCESS")));
        Map<String, List<JsonNode>> rows = rowsByPuzzle(out);
        assertEquals(PUZZLES + BAD_ROWS.length, rows.values().stream().mapToInt(List::size).sum(), "every input row, once");
        List<String> unverified = new ArrayList<>();
        for (String p : puzzles) {
            assertEquals(1, rows.get(p).size(), "once: " + p);
            JsonNode row = rows.get(p).get(0);
            if (row.get("solved").asBoolean()) { // verified: the puzzle's one solution, which trm solve verifies too
                assertEquals(labels.get(p), row.get("answer").asText(), "the right answer: " + p);
            } else {
                unverified.add(p);
            }
        }
        assertTrue(unverified.size() < PUZZLES / 10, "most everyday puzzles verify: " + unverified.size());
        Map<String, String> local = trmSolve(unverified);
        for (String p : unverified) {
            assertEquals(local.get(p), rows.get(p).get(0).get("answer").asText(), "the answer trm solve gives: " + p);
        }
        for (String bad : BAD_ROWS) {
            assertEquals(1, rows.get(bad).size(), "the bad row, once: " + bad);
            assertFalse(rows.get(bad).get(0).get("error").isNull(), "the bad row keeps its error: " + bad);
        }
    }

    /** The job's arguments to solve {@code in} into {@code out} as JSON lines, naming the model only as --files shipped it. */
    private static String[] solveArgs(Path in, Path out) {
        return new String[] {"solve", in.toString(), "-m", MODEL.getFileName().toString(), "-o", out.toString(), "--format", "json",
            "--partitions", "8", "--effort", CONFIG.effortName(), "--policy", CONFIG.policyName()};
    }

    /** What the runtime in this JVM answers (trm solve's answers: the same runtime, the same settings). */
    private static Map<String, String> trmSolve(List<String> some) {
        Map<String, String> out = new HashMap<>();
        if (some.isEmpty()) {
            return out;
        }
        try (TrmModel m = TrmModel.load(MODEL, RuntimeConfig.cpu())) {
            List<Solution> sols = m.solveAll(some, CONFIG.policy(), CONFIG.effort(), 32, null);
            for (int i = 0; i < some.size(); i++) {
                out.put(some.get(i), sols.get(i).answer());
            }
        }
        return out;
    }

    /**
     * A submitted job: its process, its log (the driver's output) and the applications the workers had
     * before it, so that its own is the one that appears in their work folders.
     */
    private record Run(Process process, Path logFile, Set<String> appsBefore) {
        int exitCode() {
            return process.exitValue();
        }

        String log() throws IOException {
            return Files.readString(logFile);
        }

        /** The application Spark gave the job (its executors' folder name on the workers), or null before it has one. */
        String appId() throws IOException {
            Set<String> now = applications();
            now.removeAll(appsBefore);
            return now.isEmpty() ? null : now.iterator().next();
        }
    }

    /** The applications that have (or had) executors on the workers: the folders in their work folders. */
    private static Set<String> applications() throws IOException {
        Set<String> apps = new LinkedHashSet<>();
        for (int w = 0; w < 2; w++) {
            try (Stream<Path> list = Files.list(cluster.workDir(w))) {
                list.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("app-")).forEach(apps::add);
            }
        }
        return apps;
    }

    /** Submits the job and waits for it to end. */
    private static Run submit(String name, String... args) throws Exception {
        long t0 = System.nanoTime();
        Run r = start(name, args);
        assertTrue(r.process().waitFor(JOB_TIMEOUT.toSeconds(), TimeUnit.SECONDS), name + " finished in time");
        System.out.printf("%s: %.1f s from spark-submit to its exit%n", name, (System.nanoTime() - t0) / 1e9);
        return r;
    }

    /** Submits the job with Spark's own SparkSubmit (client mode), from a folder that holds no model. */
    private static Run start(String name, String... jobArgs) throws IOException {
        Path cwd = Files.createDirectories(dir.resolve("driver-" + name));
        List<String> command = new ArrayList<>(List.of(StandaloneCluster.javaCommand()));
        command.addAll(StandaloneCluster.JAVA_17_OPENS);
        command.add("-XX:TieredStopAtLevel=1"); // the driver only schedules: the quick JIT starts it sooner
        command.addAll(List.of("-cp", cluster.home().resolve("conf") + "/:" + cluster.home().resolve("jars") + "/*",
                "org.apache.spark.deploy.SparkSubmit", "--master", cluster.masterUrl(), "--deploy-mode", "client",
                "--files", MODEL.toString(), "--conf", "spark.driver.host=" + StandaloneCluster.HOST,
                "--conf", "spark.driver.bindAddress=" + StandaloneCluster.HOST, "--conf", "spark.ui.enabled=false",
                "--conf", "spark.locality.wait=0", // one machine: no task waits for a "more local" executor
                "--conf", "spark.logConf=false", "--class", TrmSparkJob.class.getName(), JOB_JAR.toString()));
        command.addAll(List.of(jobArgs));
        Path log = cwd.resolve("driver.log");
        Set<String> before = applications();
        ProcessBuilder pb = new ProcessBuilder(command).directory(cwd.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
        StandaloneCluster.environment(pb.environment(), cluster.home());
        Process p = pb.start();
        started.add(p.toHandle());
        return new Run(p, log, before);
    }

    /** The model files the executors of an application loaded, one entry per load. */
    private static List<Path> modelLoads(String appId) throws IOException {
        assertNotNull(appId, "the driver's log names its application");
        List<Path> loads = new ArrayList<>();
        for (int w = 0; w < 2; w++) {
            Path app = cluster.workDir(w).resolve(appId);
            if (!Files.isDirectory(app)) {
                continue;
            }
            try (Stream<Path> files = Files.walk(app)) {
                for (Path stderr : files.filter(f -> f.getFileName().toString().equals("stderr")).toList()) {
                    Matcher m = LOADED.matcher(Files.readString(stderr));
                    while (m.find()) {
                        loads.add(Path.of(m.group(1)));
                    }
                }
            }
        }
        return loads;
    }

    /** Waits until the job's executors have loaded the model {@code n} times (they are solving then). */
    private static void awaitLoads(Run job, int n) throws Exception {
        long end = System.nanoTime() + JOB_TIMEOUT.toNanos();
        while (System.nanoTime() < end) {
            assertTrue(job.process().isAlive(), "the job ended before its executors started: " + job.log());
            String app = job.appId();
            if (app != null && modelLoads(app).size() >= n) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("the executors did not load the model in time: " + job.log());
    }

    /** Waits until the Master has no running application (a killed driver's is ended and its executors stop). */
    private static void awaitNoApplication() throws Exception {
        long end = System.nanoTime() + JOB_TIMEOUT.toNanos();
        while (System.nanoTime() < end) {
            if (cluster.state().path("activeapps").isEmpty()) {
                return;
            }
            Thread.sleep(500);
        }
        throw new AssertionError("the killed driver's application is still running: " + cluster.state());
    }

    private static Map<String, List<JsonNode>> rowsByPuzzle(Path out) throws IOException {
        Map<String, List<JsonNode>> rows = new HashMap<>();
        try (Stream<Path> parts = Files.list(out)) {
            for (Path part : parts.filter(p -> p.getFileName().toString().endsWith(".json")).toList()) {
                for (String line : Files.readAllLines(part)) {
                    JsonNode row = JSON.readTree(line);
                    rows.computeIfAbsent(row.get("puzzle").asText(), k -> new ArrayList<>()).add(row);
                }
            }
        }
        return rows;
    }
}
