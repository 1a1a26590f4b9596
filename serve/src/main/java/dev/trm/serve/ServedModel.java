package dev.trm.serve;

import dev.trm.runtime.ModelLoader;
import dev.trm.runtime.RuntimeConfig;
import dev.trm.runtime.TrmModel;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;

/**
 * A model as the server holds it: loaded, with the SHA-256 of the bytes it was loaded from and when.
 *
 * @param model    the loaded model
 * @param sha256   the hex SHA-256 of its file's bytes (null when the server was handed a loaded model)
 * @param loadedAt when it was loaded
 * @param file     the bytes it was loaded from, which the page's in-browser mode fetches (null with no file)
 */
record ServedModel(TrmModel model, String sha256, Instant loadedAt, byte[] file) {
    /** Characters of the SHA-256 used as the model's version in the Open Inference Protocol. */
    private static final int VERSION_CHARS = 12;
    /** The version of a model handed over already loaded (no file to digest). */
    private static final String UNVERSIONED = "1";

    /**
     * Loads a model from its file's bytes (read once, so the digest is of exactly what runs).
     *
     * @param source what errors name it by
     */
    static ServedModel load(byte[] bytes, RuntimeConfig options, String source) {
        TrmModel model = ModelLoader.load(bytes, options, source);
        return new ServedModel(model, sha256(bytes), Instant.now(), bytes);
    }

    /** The version a client sees: the first characters of the SHA-256 (a reload with new bytes is a new version). */
    String version() {
        return sha256 == null ? UNVERSIONED : sha256.substring(0, VERSION_CHARS);
    }

    /** The hex SHA-256 of some bytes (a model file's, as the server names its versions). */
    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256", e);
        }
    }
}
