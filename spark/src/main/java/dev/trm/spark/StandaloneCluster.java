package dev.trm.spark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * A Spark standalone cluster on this machine: a Master and Workers, each a JVM of its own, on
 * loopback only, started from Spark's own deploy classes ({@code org.apache.spark.deploy.master.Master},
 * {@code ...worker.Worker}) with nothing downloaded. Spark's launcher wants a SPARK_HOME whose
 * {@code jars/} holds Spark and whose {@code RELEASE} file marks it as a distribution: the cluster
 * lays one out in its folder, linking to the jars it is given, and keeps its logs and the workers'
 * work folders (each executor's stdout and stderr) there too.
 *
 * <p>{@link #close()} stops every process it started, workers' executors included, and waits for
 * them to end. {@link #writeState}/{@link #stop(Path)} let a command start a cluster, exit, and stop it later.
 */
public final class StandaloneCluster implements AutoCloseable {
    /** The address every process binds: loopback only. */
    public static final String HOST = "127.0.0.1";
    /** Heap of the Master and Worker daemons (they only schedule). */
    private static final String DAEMON_HEAP = "-Xmx256m";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration POLL = Duration.ofMillis(200);
    private static final String STATE_FILE = "cluster.properties";
    /** The options Spark's own launcher gives a Java 17 JVM. */
    static final List<String> JAVA_17_OPENS = List.of("-XX:+IgnoreUnrecognizedVMOptions",
            "--add-opens=java.base/java.lang=ALL-UNNAMED", "--add-opens=java.base/java.lang.invoke=ALL-UNNAMED",
            "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED", "--add-opens=java.base/java.io=ALL-UNNAMED",
            "--add-opens=java.base/java.net=ALL-UNNAMED", "--add-opens=java.base/java.nio=ALL-UNNAMED",
            "--add-opens=java.base/java.util=ALL-UNNAMED", "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED", "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-opens=java.base/sun.nio.cs=ALL-UNNAMED", "--add-opens=java.base/sun.security.action=ALL-UNNAMED",
            "--add-opens=java.base/sun.util.calendar=ALL-UNNAMED");

    /**
     * The shape of the cluster.
     *
     * @param workers        Worker JVMs
     * @param coresPerWorker cores each Worker offers (one executor of that many cores per application)
     * @param workerMemory   memory each Worker offers its executors, as Spark writes it ({@code 1g})
     */
    public record ClusterConfig(int workers, int coresPerWorker, String workerMemory) {
        public ClusterConfig {
            if (workers < 1 || coresPerWorker < 1) {
                throw new IllegalArgumentException("a cluster needs at least one worker of at least one core");
            }
            if (workerMemory == null || !workerMemory.matches("[0-9]+[mg]")) {
                throw new IllegalArgumentException("worker memory: a size such as 1g or 768m, got '" + workerMemory + "'");
            }
        }
    }

    private final Path dir;
    private final Path home;
    private final Process master;
    private final List<Process> workers = new ArrayList<>();
    private final int masterPort;
    private final int webUiPort;

    private StandaloneCluster(Path dir, Path home, Process master, int masterPort, int webUiPort) {
        this.dir = dir;
        this.home = home;
        this.master = master;
        this.masterPort = masterPort;
        this.webUiPort = webUiPort;
    }

    /**
     * Starts a Master and the Workers in {@code dir} and waits until every Worker has registered.
     *
     * @param sparkJars a folder holding Spark's jars and their dependencies
     */
    public static StandaloneCluster start(Path dir, Path sparkJars, ClusterConfig config) throws IOException {
        Path home = sparkHome(dir.resolve("spark-home"), sparkJars);
        Files.createDirectories(dir.resolve("logs"));
        int port = freePort();
        int ui = freePort();
        Process master = launch(home, dir.resolve("logs/master.log"), "org.apache.spark.deploy.master.Master",
                "--host", HOST, "--port", Integer.toString(port), "--webui-port", Integer.toString(ui));
        StandaloneCluster cluster = new StandaloneCluster(dir, home, master, port, ui);
        try {
            cluster.awaitWorkers(0);
            for (int i = 0; i < config.workers(); i++) {
                Path work = Files.createDirectories(dir.resolve("work-" + i));
                cluster.workers.add(launch(home, dir.resolve("logs/worker-" + i + ".log"), "org.apache.spark.deploy.worker.Worker",
                        "--host", HOST, "--webui-port", Integer.toString(freePort()), "--cores", Integer.toString(config.coresPerWorker()),
                        "--memory", config.workerMemory(), "--work-dir", work.toString(), cluster.masterUrl()));
            }
            cluster.awaitWorkers(config.workers());
            return cluster;
        } catch (IOException | RuntimeException e) {
            cluster.close();
            throw e;
        }
    }

    /** A SPARK_HOME for Spark's launcher: {@code RELEASE}, {@code jars/} (links to Spark's jars) and {@code conf/} (quiet logs). */
    private static Path sparkHome(Path home, Path sparkJars) throws IOException {
        Path jars = Files.createDirectories(home.resolve("jars"));
        int linked = 0;
        try (DirectoryStream<Path> all = Files.newDirectoryStream(sparkJars, "*.jar")) {
            for (Path jar : all) {
                Path link = jars.resolve(jar.getFileName());
                if (!Files.exists(link)) {
                    Files.createSymbolicLink(link, jar.toAbsolutePath());
                }
                linked++;
            }
        }
        if (linked == 0) {
            throw new IOException(sparkJars + ": no jars (build the spark module first: mvn -B -Pspark -DskipTests package -pl spark -am)");
        }
        Files.writeString(home.resolve("RELEASE"), "Spark (a SPARK_HOME laid out by trm-spark for a standalone cluster on this machine)\n");
        Path conf = Files.createDirectories(home.resolve("conf"));
        try (var quiet = StandaloneCluster.class.getResourceAsStream("/trm-spark-log4j2.properties")) {
            if (quiet != null) {
                Files.write(conf.resolve("log4j2.properties"), quiet.readAllBytes());
            }
        }
        return home;
    }

    /** Starts a JVM with Spark's class path, its output into {@code log}. */
    private static Process launch(Path home, Path log, String mainClass, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(javaCommand(), DAEMON_HEAP));
        command.addAll(JAVA_17_OPENS);
        command.addAll(List.of("-cp", home.resolve("conf") + "/:" + home.resolve("jars") + "/*", mainClass));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        environment(pb.environment(), home);
        return pb.start();
    }

    /** What Spark's processes (and the executors a Worker starts, which inherit it) need to find: home, Scala version, loopback. */
    static void environment(Map<String, String> env, Path home) {
        env.put("SPARK_HOME", home.toString());
        env.put("SPARK_SCALA_VERSION", "2.13");
        env.put("SPARK_LOCAL_IP", HOST);
        env.put("ORT_DISABLE_TELEMETRY", "1"); // ONNX Runtime in the executors: no telemetry, and no start-up probe of the command line
    }

    static String javaCommand() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getByName(HOST))) {
            return s.getLocalPort();
        }
    }

    /** Waits until the Master answers and counts {@code n} live Workers. */
    private void awaitWorkers(int n) throws IOException {
        long end = System.nanoTime() + START_TIMEOUT.toNanos();
        String last = "no answer";
        while (System.nanoTime() < end) {
            if (!master.isAlive()) {
                throw new IOException("the Spark master exited (" + master.exitValue() + "); see " + dir.resolve("logs/master.log"));
            }
            try {
                JsonNode state = state();
                last = state.path("aliveworkers").asInt() + " live workers";
                if (state.path("aliveworkers").asInt() >= n) {
                    return;
                }
            } catch (IOException e) {
                last = e.getMessage();
            }
            sleep(POLL);
        }
        throw new IOException("the Spark cluster did not start within " + START_TIMEOUT.toSeconds() + " s (" + last + "); see "
                + dir.resolve("logs"));
    }

    /** The Master's own account of the cluster (its web UI's JSON). */
    public JsonNode state() throws IOException {
        HttpRequest get = HttpRequest.newBuilder(URI.create(webUi() + "/json/")).timeout(Duration.ofSeconds(5)).build();
        try {
            String body = HttpClient.newHttpClient().send(get, HttpResponse.BodyHandlers.ofString()).body();
            return new ObjectMapper().readTree(body);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    public String masterUrl() {
        return "spark://" + HOST + ":" + masterPort;
    }

    public String webUi() {
        return "http://" + HOST + ":" + webUiPort;
    }

    /** The SPARK_HOME the cluster laid out (its {@code jars/} are Spark's). */
    public Path home() {
        return home;
    }

    /** Worker {@code i}'s work folder: one folder per application, one per executor, with its stdout and stderr. */
    public Path workDir(int i) {
        return dir.resolve("work-" + i);
    }

    public ProcessHandle worker(int i) {
        return workers.get(i).toHandle();
    }

    /** Every process the cluster runs now: Master, Workers and the Workers' executors. */
    public List<ProcessHandle> processes() {
        List<ProcessHandle> all = new ArrayList<>();
        all.add(master.toHandle());
        for (Process w : workers) {
            all.add(w.toHandle());
            w.toHandle().descendants().forEach(all::add);
        }
        return all;
    }

    /** Kills Worker {@code i} and its executors at once (SIGKILL), as a machine that dies would. */
    public void killWorker(int i) {
        ProcessHandle w = worker(i);
        List<ProcessHandle> family = new ArrayList<>(w.descendants().toList());
        family.add(w);
        family.forEach(ProcessHandle::destroyForcibly);
        family.forEach(StandaloneCluster::awaitExit);
    }

    /** Stops every process the cluster started (executors, Workers, then the Master) and waits for them to end. */
    @Override
    public void close() {
        List<ProcessHandle> all = processes();
        for (int k = all.size() - 1; k >= 0; k--) {
            all.get(k).destroy();
        }
        for (ProcessHandle p : all) {
            awaitExit(p);
        }
    }

    /** Waits a little for a process to end on SIGTERM, then kills it. */
    private static void awaitExit(ProcessHandle p) {
        try {
            p.onExit().get(10, java.util.concurrent.TimeUnit.SECONDS);
        } catch (Exception e) {
            p.destroyForcibly();
            p.onExit().join();
        }
    }

    /** Records the cluster's processes and addresses in its folder, for {@link #stop(Path)} and {@link #status(Path)}. */
    public void writeState() throws IOException {
        Properties p = new Properties();
        p.setProperty("master.url", masterUrl());
        p.setProperty("webui", webUi());
        p.setProperty("pids", String.join(",", processes().stream().map(h -> Long.toString(h.pid())).toList()));
        try (var out = Files.newOutputStream(dir.resolve(STATE_FILE))) {
            p.store(out, "a trm-spark standalone cluster");
        }
    }

    /** A started cluster's state, or empty when the folder has none. */
    public static Optional<Properties> readState(Path dir) throws IOException {
        Path f = dir.resolve(STATE_FILE);
        if (!Files.exists(f)) {
            return Optional.empty();
        }
        Properties p = new Properties();
        try (var in = Files.newInputStream(f)) {
            p.load(in);
        }
        return Optional.of(p);
    }

    /** The recorded processes that still run a Spark deploy or executor class (a reused PID is left alone). */
    public static List<ProcessHandle> alive(Properties state) {
        List<ProcessHandle> out = new ArrayList<>();
        for (String pid : state.getProperty("pids", "").split(",")) {
            if (!pid.isBlank()) {
                ProcessHandle.of(Long.parseLong(pid.trim())).filter(ProcessHandle::isAlive)
                        .filter(h -> h.info().commandLine().map(c -> c.contains("org.apache.spark")).orElse(true))
                        .ifPresent(h -> {
                            out.add(h);
                            h.descendants().forEach(out::add);
                        });
            }
        }
        return out;
    }

    /** Stops a cluster another process started (its folder's recorded processes); returns how many were running. */
    public static int stop(Path dir) throws IOException {
        Optional<Properties> state = readState(dir);
        if (state.isEmpty()) {
            return 0;
        }
        List<ProcessHandle> running = alive(state.get());
        for (int k = running.size() - 1; k >= 0; k--) {
            running.get(k).destroy();
        }
        running.forEach(StandaloneCluster::awaitExit);
        Files.delete(dir.resolve(STATE_FILE));
        return running.size();
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UncheckedIOException(new IOException("interrupted while waiting for the cluster", e));
        }
    }
}
