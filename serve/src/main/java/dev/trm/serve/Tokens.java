package dev.trm.serve;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The bearer tokens a server accepts, read from a file: one token per line; blank lines and lines
 * starting with {@code #} are ignored. Only the tokens' SHA-256 digests are kept, and a presented
 * token is compared with each of them in constant time (the digests have one length, so neither
 * the comparison nor a token's length tells a caller how close it came).
 */
public final class Tokens {
    private static final String BEARER = "Bearer ";
    /** Characters a token may not hold: anything outside visible ASCII could not travel in a header. */
    private static final char FIRST_VISIBLE = '!';
    private static final char LAST_VISIBLE = '~';

    private final List<byte[]> digests;
    private final String warning;

    private Tokens(List<byte[]> digests, String warning) {
        this.digests = digests;
        this.warning = warning;
    }

    /**
     * Reads a token file.
     *
     * @throws IllegalArgumentException naming the file (and line) when it cannot be read, holds no
     *                                  token, or a line is not a token
     */
    public static Tokens read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException | java.io.UncheckedIOException e) {
            throw new IllegalArgumentException("--token-file " + file + ": cannot read it (" + e.getMessage() + ")");
        }
        List<byte[]> digests = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String token = lines.get(i).strip();
            if (token.isEmpty() || token.startsWith("#")) {
                continue;
            }
            for (char c : token.toCharArray()) {
                if (c < FIRST_VISIBLE || c > LAST_VISIBLE) {
                    throw new IllegalArgumentException("--token-file " + file + ":" + (i + 1)
                            + ": a token is one word of visible ASCII characters (no spaces)");
                }
            }
            digests.add(sha256(token));
        }
        if (digests.isEmpty()) {
            throw new IllegalArgumentException("--token-file " + file + ": no token in it (one per line; # starts a comment)");
        }
        return new Tokens(List.copyOf(digests), permissionWarning(file));
    }

    /** A warning when others than the file's owner may read it (null when only the owner may, or the file system cannot say). */
    public String warning() {
        return warning;
    }

    private static String permissionWarning(Path file) {
        try {
            Set<PosixFilePermission> p = Files.getPosixFilePermissions(file);
            if (p.contains(PosixFilePermission.GROUP_READ) || p.contains(PosixFilePermission.OTHERS_READ)) {
                return "--token-file " + file + " can be read by others than its owner: chmod 600 it";
            }
        } catch (IOException | UnsupportedOperationException e) {
            return null;
        }
        return null;
    }

    /** Whether an {@code Authorization} header carries one of the tokens ({@code Bearer TOKEN}). */
    public boolean accepts(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return false;
        }
        byte[] presented = sha256(authorization.substring(BEARER.length()).strip());
        boolean ok = false;
        for (byte[] d : digests) {
            ok |= MessageDigest.isEqual(d, presented); // every digest is compared: no early exit
        }
        return ok;
    }

    private static byte[] sha256(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256", e);
        }
    }
}
