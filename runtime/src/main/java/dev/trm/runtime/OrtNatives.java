package dev.trm.runtime;

import ai.onnxruntime.OrtEnvironment;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Where ONNX Runtime's native libraries come from on a desktop JVM. Left alone, ONNX Runtime
 * unpacks its 31 MB core library into a new temporary folder on every start and leaves that folder
 * behind (all of it when the process is killed); with the GPU artifact it also unpacks the 580 MB
 * CUDA provider whenever CUDA is tried. Here the libraries are unpacked once into a cache folder
 * named by the ONNX Runtime version ({@code ~/.cache/trm}, or the {@code trm.cache.dir} property)
 * and ONNX Runtime loads them from there ({@code onnxruntime.native.path}); empty folders that
 * earlier runs left in the temporary directory are removed.
 *
 * <p>This touches the machine (a cache folder, a global system property, the temporary directory),
 * so the runtime never does it by itself: an application opts in with {@link #useCache()} before
 * its first model load, as the {@code trm} command does. Nothing happens on Android (the libraries
 * come from the APK) or when the caller set {@code onnxruntime.native.path} already.
 */
public final class OrtNatives {
    private static final Logger LOG = Logger.getLogger(OrtNatives.class.getName());
    static final String NATIVE_PATH = "onnxruntime.native.path";
    static final String CACHE_DIR = "trm.cache.dir";
    private static final String RESOURCES = "/ai/onnxruntime/native/";
    private static final String[] CORE = {"onnxruntime", "onnxruntime4j_jni", "onnxruntime_providers_shared"};
    static final String CUDA = "onnxruntime_providers_cuda";
    /** ONNX Runtime's own temporary folders: {@code onnxruntime-java<digits>}. */
    private static final String TEMP_PREFIX = "onnxruntime-java";
    /** Empty temporary folders older than this belong to finished or killed runs. */
    private static final long STALE_MILLIS = TimeUnit.HOURS.toMillis(1);

    private static boolean prepared;
    /** Whether this process unpacked the libraries into the cache (then the CUDA provider goes there too). */
    private static boolean cached;

    private OrtNatives() {
    }

    /**
     * Unpacks the core libraries once into the cache and points ONNX Runtime at them; call it before
     * the first model load (later calls do nothing).
     */
    public static synchronized void useCache() {
        if (prepared) {
            return;
        }
        prepared = true;
        if (isAndroid() || System.getProperty(NATIVE_PATH) != null || !loadedByTheApplication()) {
            return;
        }
        try {
            Path dir = cacheFolder();
            for (String lib : CORE) {
                unpack(dir, lib);
            }
            System.setProperty(NATIVE_PATH, dir.toString());
            cached = true;
        } catch (IOException | RuntimeException e) {
            // not fatal: ONNX Runtime then unpacks into the temporary folder itself, as it always does
            LOG.log(Level.FINE, "cannot cache ONNX Runtime's native libraries", e);
        }
        removeStaleTempFolders();
    }

    /** Unpacks the CUDA provider into the cache too (only when a GPU is there and CUDA is asked for). */
    static synchronized void prepareCuda() {
        String dir = System.getProperty(NATIVE_PATH);
        if (!cached || dir == null) {
            return;
        }
        try {
            unpack(Paths.get(dir), CUDA);
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.FINE, "cannot cache ONNX Runtime's CUDA provider", e);
        }
    }

    private static Path cacheFolder() throws IOException {
        String version = OrtEnvironment.class.getPackage().getImplementationVersion();
        String base = System.getProperty(CACHE_DIR);
        Path root = base != null ? Paths.get(base) : Paths.get(System.getProperty("user.home"), ".cache", "trm");
        // the CPU and GPU artifacts share a version but not their core library: the flavour is part of the name
        boolean gpuBuild = OrtNatives.class.getResource(RESOURCES + osArch() + "/" + System.mapLibraryName(CUDA)) != null;
        Path dir = root.resolve("onnxruntime-" + (version != null ? version : "unknown") + (gpuBuild ? "-gpu-" : "-cpu-") + osArch());
        Files.createDirectories(dir);
        return dir;
    }

    /** Copies one library out of the jar unless it is there already; a half-written copy never takes its name. */
    private static void unpack(Path dir, String name) throws IOException {
        String file = System.mapLibraryName(name);
        Path target = dir.resolve(file);
        if (Files.exists(target)) {
            return;
        }
        try (InputStream in = OrtNatives.class.getResourceAsStream(RESOURCES + osArch() + "/" + file)) {
            if (in == null) {
                return; // this artifact does not ship it (the CPU jar has no CUDA provider)
            }
            Path temp = Files.createTempFile(dir, "." + file, ".tmp");
            try {
                Files.copy(in, temp, StandardCopyOption.REPLACE_EXISTING);
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(temp);
            }
        }
    }

    /** Removes empty {@code onnxruntime-java*} folders older than an hour from the temporary directory. */
    static void removeStaleTempFolders() {
        Path tmp = Paths.get(System.getProperty("java.io.tmpdir"));
        long now = System.currentTimeMillis();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(tmp, TEMP_PREFIX + "*")) {
            for (Path d : dirs) {
                try {
                    if (Files.isDirectory(d) && now - Files.getLastModifiedTime(d).toMillis() > STALE_MILLIS) {
                        Files.delete(d); // fails, harmlessly, when the folder is not empty
                    }
                } catch (IOException e) {
                    LOG.log(Level.FINEST, "left " + d, e);
                }
            }
        } catch (IOException e) {
            LOG.log(Level.FINE, "cannot list " + tmp, e);
        }
    }

    /** ONNX Runtime's name for this platform's native folder ({@code linux-x64}, {@code osx-aarch64}, ...). */
    private static String osArch() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        String o = os.contains("mac") || os.contains("darwin") ? "osx" : os.contains("win") ? "win" : "linux";
        String a = arch.equals("amd64") || arch.equals("x86_64") ? "x64" : arch;
        return o + "-" + a;
    }

    /**
     * Whether the runtime runs in the application's own class loader. A native library file can be
     * loaded by one class loader only, so where classes are loaded again in another (a test sandbox
     * such as Robolectric's), ONNX Runtime keeps unpacking its own copies.
     */
    private static boolean loadedByTheApplication() {
        return OrtNatives.class.getClassLoader() == ClassLoader.getSystemClassLoader();
    }

    static boolean isAndroid() {
        return "The Android Project".equals(System.getProperty("java.vendor"));
    }

    /** A cheap check for an NVIDIA GPU and driver (Linux), so CUDA is not tried, at a cost of seconds, where none is. */
    static boolean nvidiaGpuPresent() {
        return Files.exists(Paths.get("/proc/driver/nvidia/version")) || Files.exists(Paths.get("/dev/nvidia0"))
                || System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("win");
    }
}
