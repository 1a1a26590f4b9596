package dev.trm.model;

/**
 * PyTorch's native libraries (DJL's {@code pytorch-jni} and {@code pytorch-native-cpu} or {@code -cu124}
 * jars), which training, the exporter's checks against the trainer and the benchmarks run on. Every
 * build has them but the README's quick start, made with {@code -Dtrm.pytorch=false}: it only runs
 * TRMs through ONNX Runtime, so it leaves their 115 MB out. There a command that needs PyTorch stops
 * with {@link MissingException}, which says how to build them in, before DJL would look for them on the
 * network.
 */
public final class PyTorchNatives {
    /** A file every one of DJL's PyTorch native jars holds. */
    static final String MARKER = "native/lib/pytorch.properties";
    /** The build that brings them: the quick start's command without {@code -Dtrm.pytorch=false}. */
    public static final String BUILD_COMMAND = "mvn -B -T 2 -Dmaven.test.skip=true -pl cli -am package";

    private PyTorchNatives() {
    }

    /** A command needs PyTorch and this build has no PyTorch natives. */
    public static final class MissingException extends RuntimeException {
        MissingException(String message) {
            super(message);
        }
    }

    /** Returns when PyTorch's natives are on this class path; else throws {@link MissingException} naming {@code what}. */
    public static void require(String what) {
        require(what, PyTorchNatives.class.getClassLoader());
    }

    static void require(String what, ClassLoader classPath) {
        if (classPath.getResource(MARKER) == null) {
            throw new MissingException(what + " needs PyTorch's native libraries, which this build left out (it was made with "
                    + "-Dtrm.pytorch=false, the quick start); build them in once (115 MB): " + BUILD_COMMAND);
        }
    }
}
