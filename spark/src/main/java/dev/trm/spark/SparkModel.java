package dev.trm.spark;

import dev.trm.runtime.ModelLoadException;
import dev.trm.runtime.RuntimeConfig;
import dev.trm.runtime.TrmModel;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.SparkFiles;

/**
 * A model as executors find it: a path every executor can read (a shared file system, or the
 * driver's own disk in local mode), or the name of a file shipped with {@code --files} /
 * {@code SparkContext.addFile}, found through {@link SparkFiles}. Each executor JVM loads each
 * model once, keyed by the SHA-256 of its bytes, and every task of that JVM shares it (a loaded
 * model serves many threads).
 *
 * @param path    the file's path, or its name among the files Spark shipped
 * @param threads ONNX Runtime intra-op threads of the executor's session (tasks already run side by side)
 */
public record SparkModel(String path, int threads) implements Serializable {
    private static final long serialVersionUID = 1L;
    /** Models loaded in this JVM, by content hash. */
    private static final Map<String, TrmModel> LOADED = new ConcurrentHashMap<>();
    private static final AtomicInteger LOADS = new AtomicInteger();

    public SparkModel {
        if (path == null || path.isBlank()) {
            throw new IllegalArgumentException("a model path is required");
        }
        if (threads < 0) {
            throw new IllegalArgumentException("threads must not be negative, got " + threads);
        }
    }

    /** One intra-op thread per task: Spark runs one task per core. */
    public static SparkModel of(String path) {
        return new SparkModel(path, 1);
    }

    /** The model, loaded once per JVM (the first task to ask loads it; the others wait for it). */
    TrmModel load() {
        Path file = resolve();
        byte[] bytes = dev.trm.runtime.ModelLoader.read(file); // a regular ONNX file of a sane size, or an error naming it
        String hash = sha256(bytes);
        return LOADED.computeIfAbsent(hash + "/" + threads, k -> {
            LOADS.incrementAndGet();
            TrmModel m = dev.trm.runtime.ModelLoader.load(bytes, RuntimeConfig.cpu().withThreads(threads).withSpinning(false),
                    file.toString());
            // one line in the executor's log per load: on a cluster, each executor's stderr shows it loaded the model once
            System.err.printf("trm-spark: loaded model %s (sha256 %s) in process %d%n", file.toAbsolutePath(), hash,
                    ProcessHandle.current().pid());
            return m;
        });
    }

    private Path resolve() {
        Path direct = Path.of(path);
        if (Files.exists(direct)) {
            return direct; // a device or a folder is named as such by the loader's checks
        }
        try {
            Path shipped = Path.of(SparkFiles.get(direct.getFileName().toString()));
            if (Files.isRegularFile(shipped)) {
                return shipped;
            }
        } catch (RuntimeException e) {
            // no SparkContext files here: fall through to the error below
        }
        throw new ModelLoadException(path + ": no such file on this executor (give a path every executor can read, or ship it with"
                + " --files)");
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** How many models this JVM has loaded (for tests: once per model per executor JVM). */
    public static int loadsInThisJvm() {
        return LOADS.get();
    }
}
