package dev.trm.spark;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code trm-spark cluster start|status|stop}: a Spark standalone cluster on this machine (loopback
 * only) for a person to try the job on separate JVMs: {@code ./trm-spark solve ... --master URL}.
 */
@Command(name = "cluster", mixinStandardHelpOptions = true,
        description = "Start, show or stop a Spark standalone cluster on this machine (a Master and Workers on 127.0.0.1).")
final class ClusterCommand implements Callable<Integer> {
    /** The system property naming Spark's jars ({@code ./trm-spark} sets it to spark/target/spark-lib). */
    static final String SPARK_LIB_PROPERTY = "trm.spark.lib";
    /** The system property naming the cluster's folder ({@code ./trm-spark}: spark/target/cluster). */
    static final String DIR_PROPERTY = "trm.spark.clusterDir";

    @Parameters(index = "0", paramLabel = "ACTION", description = "start, status or stop")
    String action;

    @Option(names = "--workers", defaultValue = "2", description = "Worker JVMs (default: ${DEFAULT-VALUE})")
    int workers;

    @Option(names = "--cores", defaultValue = "1", description = "cores each Worker offers (default: ${DEFAULT-VALUE})")
    int cores;

    @Option(names = "--memory", defaultValue = "1g", description = "memory each Worker offers its executors (default: ${DEFAULT-VALUE})")
    String memory;

    @Option(names = "--dir", description = "the cluster's folder: logs, work folders, its state (default: spark/target/cluster)")
    Path dir;

    @Override
    public Integer call() throws Exception {
        Path folder = dir != null ? dir : Path.of(required(DIR_PROPERTY, "--dir"));
        Optional<Properties> state = StandaloneCluster.readState(folder);
        List<ProcessHandle> running = state.map(StandaloneCluster::alive).orElse(List.of());
        switch (action) {
            case "start":
                if (!running.isEmpty()) {
                    throw new IllegalArgumentException("a cluster runs already at " + state.get().getProperty("master.url")
                            + " (./trm-spark cluster stop first)");
                }
                StandaloneCluster.stop(folder); // forget a cluster whose processes are gone
                StandaloneCluster cluster = StandaloneCluster.start(folder, Path.of(required(SPARK_LIB_PROPERTY, "the spark jars")),
                        new StandaloneCluster.ClusterConfig(workers, cores, memory));
                cluster.writeState();
                System.out.printf("master %s (web UI %s), %d workers of %d core(s) and %s; logs in %s%n", cluster.masterUrl(),
                        cluster.webUi(), workers, cores, memory, folder.resolve("logs"));
                System.out.printf("try: ./trm-spark solve puzzles.csv -o solved --master %s%n", cluster.masterUrl());
                return 0;
            case "status":
                if (running.isEmpty()) {
                    System.out.println("no cluster running");
                    return 1;
                }
                System.out.printf("master %s (web UI %s): %d processes running%n", state.get().getProperty("master.url"),
                        state.get().getProperty("webui"), running.size());
                return 0;
            case "stop":
                System.out.printf("stopped %d processes%n", StandaloneCluster.stop(folder));
                return 0;
            default:
                throw new IllegalArgumentException("ACTION: start, status or stop, got '" + action + "'");
        }
    }

    private static String required(String property, String what) {
        String v = System.getProperty(property);
        if (v == null) {
            throw new IllegalArgumentException("give " + what + " (-D" + property + "; ./trm-spark sets it)");
        }
        return v;
    }
}
