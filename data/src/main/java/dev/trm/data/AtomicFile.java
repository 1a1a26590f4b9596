package dev.trm.data;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Writes a file through a temporary sibling that is renamed over the target only when writing
 * succeeded, so a crash or an error never leaves a half-written file behind.
 */
public final class AtomicFile {
    /** The body of a write. */
    @FunctionalInterface
    public interface Writer {
        void writeTo(OutputStream out) throws IOException;
    }

    /** A temporary file older than this belongs to a writer that was killed. */
    static final long STALE_MILLIS = 10 * 60 * 1000L;

    private AtomicFile() {
    }

    /**
     * Makes sure {@code target}'s folder exists (creating it) and is writable, so a long job can
     * fail before it starts rather than at the end. Returns the folder.
     */
    public static Path requireWritableFolder(Path target) throws IOException {
        if (Files.isDirectory(target)) {
            throw new IOException("cannot write " + target + ": it is a folder; give a file name");
        }
        Path dir = target.toAbsolutePath().getParent();
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new IOException("cannot write " + target + ": " + describe(e), e);
        }
        if (!Files.isWritable(dir)) {
            throw new IOException("cannot write " + target + ": folder " + dir + " is not writable");
        }
        return dir;
    }

    /**
     * Deletes temporary siblings of a target that a killed writer left behind ({@code .NAME.<n>.tmp}
     * older than {@link #STALE_MILLIS}; a live write takes seconds).
     */
    static void removeStaleTemporaries(Path dir, String name) {
        long now = System.currentTimeMillis();
        try (DirectoryStream<Path> temps = Files.newDirectoryStream(dir, "." + name + ".*.tmp")) {
            for (Path t : temps) {
                try {
                    if (now - Files.getLastModifiedTime(t).toMillis() > STALE_MILLIS) {
                        Files.deleteIfExists(t);
                    }
                } catch (IOException e) {
                    // another process's file, or gone already: leave it
                }
            }
        } catch (IOException e) {
            // the folder cannot be listed: the write itself will report what is wrong
        }
    }

    /** Temporary files start private (rw-------); the finished file should read like any other (rw-r--r--). */
    private static void readableByOthers(Path temp) throws IOException {
        if (temp.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rw-r--r--"));
        }
    }

    private static String describe(IOException e) {
        String kind = e.getClass().getSimpleName().replace("Exception", "");
        return e.getMessage() == null ? kind : kind + " " + e.getMessage();
    }

    public static void write(Path target, Writer body) throws IOException {
        Path absolute = target.toAbsolutePath();
        Path dir = requireWritableFolder(target);
        removeStaleTemporaries(dir, absolute.getFileName().toString());
        Path temp;
        try {
            temp = Files.createTempFile(dir, "." + absolute.getFileName() + ".", ".tmp");
        } catch (IOException e) {
            throw new IOException("cannot write " + target + ": " + describe(e), e);
        }
        try {
            readableByOthers(temp);
            try (OutputStream out = Files.newOutputStream(temp)) {
                body.writeTo(out);
            }
            try {
                Files.move(temp, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, absolute, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
    }
}
