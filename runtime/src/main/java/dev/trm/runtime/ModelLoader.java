package dev.trm.runtime;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtSession;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Turns a step file into a {@link TrmModel}: the ONNX Runtime environment (telemetry and log lines
 * off), the file checks, the CPU, CUDA or mobile session, and the check of the graph against the
 * step contract. The model itself only runs steps; everything about getting a session is here.
 */
public final class ModelLoader {
    private static final Logger LOG = Logger.getLogger(ModelLoader.class.getName());
    private static final String[] INPUTS = {StepContract.IN_TOKENS, StepContract.IN_PUZZLE_IDS, StepContract.IN_Y,
        StepContract.IN_Z};
    private static final String[] OUTPUTS = {StepContract.OUT_Y, StepContract.OUT_Z, StepContract.OUT_LOGITS,
        StepContract.OUT_Q_HALT, StepContract.OUT_Q_CONTINUE};

    private ModelLoader() {
    }

    /**
     * The ONNX Runtime environment every part of the toolkit uses: telemetry off, and ONNX Runtime's
     * own log lines off, since they would only repeat what our
     * exceptions say (a failed CUDA load prints one in red). Create sessions from this, not from
     * {@code OrtEnvironment.getEnvironment()}, whose other log level ONNX Runtime would warn about.
     */
    public static OrtEnvironment environment() {
        requireSafeCommandLine();
        OrtEnvironment env = OrtEnvironment.getEnvironment(OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL);
        environmentMade = true;
        telemetryOffOnce(env);
        return env;
    }

    /** The environment variable that keeps ONNX Runtime's start-up telemetry from running at all. */
    public static final String TELEMETRY_VARIABLE = "ORT_DISABLE_TELEMETRY";
    /**
     * The longest command line (bytes of /proc/self/cmdline) with which ONNX Runtime 1.29's start-up
     * telemetry is known not to crash: past about 3.5 KB it kills the JVM with SIGSEGV while the
     * environment is made (a regex over the command line recurses past the stack), unless
     * {@link #TELEMETRY_VARIABLE} was set before the JVM started. Kept below the measured edge. The
     * toolkit pins 1.28.0, which neither crashes nor writes anything; the check is for an app that
     * chose 1.29 or later itself.
     */
    static final int SAFE_COMMAND_LINE_BYTES = 3000;
    /** The first ONNX Runtime release with the start-up telemetry that crashes on long command lines (major, minor). */
    private static final int[] FIRST_CRASHING_RELEASE = {1, 29};

    /**
     * Refuses to make ONNX Runtime's environment where it would crash the JVM: on Linux, with ONNX
     * Runtime 1.29 or later on the class path, a command line longer than {@link #SAFE_COMMAND_LINE_BYTES}
     * without {@code ORT_DISABLE_TELEMETRY=1}. A clear exception naming the cause and the fix, instead
     * of a dead process with no message.
     */
    static void requireSafeCommandLine() {
        if (environmentMade) {
            return;
        }
        Package ort = OrtEnvironment.class.getPackage(); // null where the class loader keeps no packages (possible on Android)
        String problem = commandLineProblem(ort == null ? null : ort.getImplementationVersion(), System.getenv(TELEMETRY_VARIABLE),
                ModelLoader::commandLineBytes);
        if (problem != null) {
            throw new ModelLoadException(problem);
        }
    }

    /**
     * Why making ONNX Runtime's environment would crash this process, or null.
     *
     * @param ortVersion   ONNX Runtime's version (its jar's manifest; null when unknown: taken as one that crashes)
     * @param variable     the value of {@link #TELEMETRY_VARIABLE}
     * @param commandLine  the command line's length in bytes, or -1 off Linux
     */
    static String commandLineProblem(String ortVersion, String variable, LongSupplier commandLine) {
        if ("1".equals(variable) || !atLeast(ortVersion, FIRST_CRASHING_RELEASE)) {
            return null;
        }
        long length = commandLine.getAsLong();
        if (length <= SAFE_COMMAND_LINE_BYTES) {
            return null;
        }
        return "this process's command line is " + length + " bytes; the start-up telemetry of ONNX Runtime " + ortVersion
                + " crashes the JVM (SIGSEGV) on command lines past about 3.5 KB. Use ONNX Runtime 1.28.0 (the version this toolkit"
                + " pins), or set " + TELEMETRY_VARIABLE + "=1 in the environment before the JVM starts (the trm launchers do), or"
                + " shorten the command line (a long class path can go in the CLASSPATH variable or a java @argfile)";
    }

    /** Whether a version like {@code 1.29.0} is the release {@code least} ({major, minor}) or later; an unknown one counts as later. */
    private static boolean atLeast(String version, int[] least) {
        if (version == null) {
            return true;
        }
        String[] parts = version.split("[.-]");
        try {
            int major = Integer.parseInt(parts[0]);
            int minor = parts.length > 1 ? Integer.parseInt(parts[1]) : 0;
            return major > least[0] || major == least[0] && minor >= least[1];
        } catch (NumberFormatException e) {
            return true;
        }
    }

    /** Bytes of /proc/self/cmdline, or -1 where there is none (not Linux). */
    private static long commandLineBytes() {
        try {
            return Files.readAllBytes(java.nio.file.Paths.get("/proc/self/cmdline")).length; // procfs reports a size of 0: read it
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private static volatile boolean environmentMade;

    /** Set to {@code true} to leave ONNX Runtime's usage telemetry on (it is off unless asked for). */
    public static final String TELEMETRY_PROPERTY = "trm.onnxruntime.telemetry";
    private static volatile boolean telemetryDecided;

    /**
     * ONNX Runtime builds with telemetry record an event per model load (with the model's metadata
     * and a device id it stores under the user's home). The runtime turns that off once per process,
     * before the first session, unless {@link #TELEMETRY_PROPERTY} is {@code true}; an app may still
     * call {@code setTelemetry(true)} on the environment itself.
     */
    private static synchronized void telemetryOffOnce(OrtEnvironment env) {
        if (telemetryDecided) {
            return;
        }
        telemetryDecided = true;
        if (!Boolean.getBoolean(TELEMETRY_PROPERTY)) {
            try {
                env.setTelemetry(false);
            } catch (OrtException e) {
                LOG.fine("ONNX Runtime telemetry could not be turned off: " + e.getMessage());
            }
        }
    }

    /**
     * Largest model file read: a protobuf message (an ONNX model without external data) cannot pass
     * 2 GiB, so anything larger is refused before it is read into memory.
     */
    public static final long MAX_MODEL_BYTES = Integer.MAX_VALUE - 8;
    /** An ONNX model's first byte: the tag of {@code ir_version} (field 1, a varint), which every writer puts first. */
    private static final int ONNX_FIRST_BYTE = 0x08;

    /**
     * Loads a step file: checks it is a regular ONNX file of a sane size, makes the session on the
     * provider asked for, and checks the graph and metadata against the step contract.
     *
     * @throws ModelLoadException naming the file and what is wrong with it
     */
    public static TrmModel load(Path file, RuntimeConfig options) {
        try {
            requireModelFile(file);
            return load(Files.readAllBytes(file), options, file.toString());
        } catch (NoSuchFileException e) {
            throw new ModelLoadException(file + ": no such file", e);
        } catch (IOException e) {
            throw new ModelLoadException(file + ": cannot read: " + e.getMessage(), e);
        }
    }

    /**
     * A step file's bytes, after the checks of {@link #load(Path, RuntimeConfig)} that need no
     * session (a regular ONNX file of a sane size): for a caller that keeps or digests the bytes.
     *
     * @throws ModelLoadException naming the file and what is wrong with it
     */
    public static byte[] read(Path file) {
        try {
            requireModelFile(file);
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new ModelLoadException(file + ": no such file", e);
        } catch (IOException e) {
            throw new ModelLoadException(file + ": cannot read: " + e.getMessage(), e);
        }
    }

    /**
     * Checks what can be checked before reading: a regular file (not a device such as /dev/zero, a
     * folder or a pipe), no larger than {@link #MAX_MODEL_BYTES}, starting as an ONNX model does.
     */
    static void requireModelFile(Path file) throws IOException {
        if (!Files.exists(file)) {
            throw new NoSuchFileException(file.toString());
        }
        if (!Files.isRegularFile(file)) {
            throw new ModelLoadException(file + ": not a model file (a folder, device or pipe); give the .onnx file trm-export wrote");
        }
        long size = Files.size(file);
        if (size > MAX_MODEL_BYTES) {
            throw new ModelLoadException(file + ": " + size + " bytes is larger than an ONNX model can be (" + MAX_MODEL_BYTES
                    + " bytes, protobuf's limit)");
        }
        try (InputStream in = Files.newInputStream(file)) {
            int first = in.read();
            if (first != ONNX_FIRST_BYTE) {
                throw new ModelLoadException(file + ": not an ONNX model (" + (first < 0 ? "empty" : String.format(
                        "it starts with byte 0x%02x, an ONNX model with 0x%02x", first, ONNX_FIRST_BYTE)) + ")");
            }
        }
    }

    public static TrmModel load(InputStream in, RuntimeConfig options) {
        try {
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            byte[] chunk = new byte[1 << 16];
            for (int n = in.read(chunk); n >= 0; n = in.read(chunk)) {
                if (buf.size() + (long) n > MAX_MODEL_BYTES) {
                    throw new ModelLoadException("model stream: larger than an ONNX model can be (" + MAX_MODEL_BYTES + " bytes)");
                }
                buf.write(chunk, 0, n);
            }
            return load(buf.toByteArray(), options, "model stream");
        } catch (IOException e) {
            throw new ModelLoadException("model stream: cannot read: " + e.getMessage(), e);
        }
    }

    public static TrmModel load(byte[] bytes, RuntimeConfig options) {
        return load(bytes, options, "model bytes");
    }

    /**
     * Loads a step file's bytes.
     *
     * @param source what errors name it by (its file, or the name it is served as)
     */
    public static TrmModel load(byte[] bytes, RuntimeConfig options, String source) {
        OrtEnvironment env;
        Provider used = options.provider();
        OrtSession session;
        try {
            env = environment();
            if (options.provider() == Provider.CPU || options.provider() == Provider.XNNPACK || options.provider() == Provider.NNAPI) {
                session = cpuSession(env, bytes, options, source);
            } else if (options.provider() == Provider.AUTO && !OrtNatives.nvidiaGpuPresent()) {
                session = cpuSession(env, bytes, options, source); // no GPU: trying CUDA would only cost seconds
                used = Provider.CPU;
            } else {
                try {
                    OrtNatives.prepareCuda();
                    session = cudaSession(env, bytes, options);
                    used = Provider.CUDA;
                } catch (OrtException e) {
                    if (options.provider() == Provider.CUDA) {
                        throw new ModelLoadException(source + ": the CUDA provider cannot load (" + e.getMessage()
                                + "); it needs the onnxruntime_gpu artifact (the trm command: build it with mvn -Pcuda), CUDA 12 and cuDNN 9", e);
                    }
                    LOG.info("CUDA provider unavailable (" + e.getMessage() + "); running on the CPU");
                    session = cpuSession(env, bytes, options, source);
                    used = Provider.CPU;
                }
            }
        } catch (UnsatisfiedLinkError e) {
            throw new ModelLoadException(source + ": ONNX Runtime's native library cannot load: " + e.getMessage(), e);
        }
        try {
            ModelInfo info = ModelInfo.of(session.getMetadata().getCustomMetadata(), source);
            requireNames(session.getInputNames(), INPUTS, "inputs", source);
            requireNames(session.getOutputNames(), OUTPUTS, "outputs", source);
            GraphCheck.requireMatches(session, info, source);
            return new TrmModel(env, session, info, used);
        } catch (OrtException | RuntimeException e) {
            closeQuietly(session);
            if (e instanceof TrmRuntimeException) {
                throw (TrmRuntimeException) e;
            }
            throw new ModelLoadException(source + ": " + e.getMessage(), e);
        }
    }

    private static OrtSession cpuSession(OrtEnvironment env, byte[] bytes, RuntimeConfig o, String source) {
        try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
            opts.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            if (o.threads() > 0) {
                opts.setIntraOpNumThreads(o.threads());
            }
            if (!o.spinning()) {
                opts.addConfigEntry(ALLOW_SPINNING, "0");
            }
            addMobileProvider(opts, o, source);
            return env.createSession(bytes, opts);
        } catch (OrtException e) {
            throw new ModelLoadException(source + ": not a loadable ONNX model (truncated or not ONNX?): " + e.getMessage(), e);
        }
    }

    /** ONNX Runtime's session setting that lets idle intra-op threads spin. */
    private static final String ALLOW_SPINNING = "session.intra_op.allow_spinning";

    /** XNNPACK or NNAPI in front of the CPU provider; a clear error where this ONNX Runtime build lacks them. */
    private static void addMobileProvider(OrtSession.SessionOptions opts, RuntimeConfig o, String source) {
        try {
            if (o.provider() == Provider.XNNPACK) {
                Map<String, String> xnn = new HashMap<>();
                xnn.put("intra_op_num_threads", Integer.toString(Math.max(1, o.threads())));
                opts.addXnnpack(xnn);
            } else if (o.provider() == Provider.NNAPI) {
                opts.addNnapi();
            }
        } catch (OrtException e) {
            throw new ModelLoadException(source + ": the " + o.provider() + " provider is not in this ONNX Runtime build (it is in"
                    + " the Android one): " + e.getMessage(), e);
        }
    }

    private static OrtSession cudaSession(OrtEnvironment env, byte[] bytes, RuntimeConfig o) throws OrtException {
        try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
            opts.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            opts.addCUDA(o.cudaDevice());
            return env.createSession(bytes, opts);
        }
    }

    private static void requireNames(Set<String> have, String[] want, String what, String source) {
        List<String> missing = new ArrayList<>();
        for (String w : want) {
            if (!have.contains(w)) {
                missing.add(w);
            }
        }
        if (!missing.isEmpty()) {
            throw new ModelLoadException(source + ": not a TRM step: " + what + " " + missing + " missing (has " + have + ")");
        }
    }

    static void closeQuietly(OrtSession s) {
        try {
            s.close();
        } catch (OrtException e) {
            LOG.log(Level.FINE, "closing a failed session", e);
        }
    }
}
