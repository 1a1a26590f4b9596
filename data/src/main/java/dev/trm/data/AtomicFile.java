package dev.trm.data;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.security.SecureRandom;

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
    /** Unique names for temporary files (names only: nothing computed depends on them). */
    private static final SecureRandom TEMP_NAMES = new SecureRandom();

    private AtomicFile() {
    }

    /**
     * Makes sure {@code target} can be written, so a long job can fail before it starts rather than at
     * the end: its folder exists and is writable, or can be made in a writable folder (nothing is
     * created now: a run that fails leaves no folder behind), it is not a folder, it is not read-only
     * (a file its owner may not write is not replaced, even by root), and it is none of {@code inputs}
     * (a command never writes over what it reads). Returns the folder.
     */
    public static Path requireWritableFolder(Path target, Path... inputs) throws IOException {
        if (Files.isDirectory(target)) {
            throw new IOException("cannot write " + target + ": it is a folder; give a file name");
        }
        for (Path in : inputs) {
            if (in != null && Files.exists(target) && Files.exists(in) && Files.isSameFile(target, in)) {
                throw new IOException("cannot write " + target + ": it is the input " + in + "; give another output file");
            }
        }
        if (Files.exists(target) && readOnly(target)) {
            throw new IOException("cannot write " + target + ": the file is read-only (make it writable to replace it)");
        }
        Path dir = target.toAbsolutePath().getParent();
        Path existing = dir;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null || !Files.isDirectory(existing)) {
            throw new IOException("cannot write " + target + ": " + (existing == null ? "no folder of " + dir + " exists"
                    : existing + " is not a folder"));
        }
        if (!Files.isWritable(existing) || !canCreateIn(existing)) {
            throw new IOException("cannot write " + target + ": folder " + existing + " is not writable");
        }
        return dir;
    }

    /** Tries what the write will do: create a new file in {@code dir} (then deletes it). Catches /proc, read-only mounts, root-owned folders. */
    private static boolean canCreateIn(Path dir) {
        Path probe = temporarySibling(dir, "write-check");
        try {
            Files.newOutputStream(probe, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE).close();
            Files.delete(probe);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static Path temporarySibling(Path dir, String name) {
        return dir.resolve("." + name + "." + Long.toUnsignedString(TEMP_NAMES.nextLong(), Character.MAX_RADIX) + ".tmp");
    }

    private static boolean readOnly(Path file) throws IOException {
        if (file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            return !Files.getPosixFilePermissions(file).contains(PosixFilePermission.OWNER_WRITE);
        }
        return !Files.isWritable(file);
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

    /** Gives {@code temp} the permissions of the file it will replace (none to copy for a new file). */
    private static void keepPermissions(Path target, Path temp) throws IOException {
        if (Files.exists(target) && target.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            Files.setPosixFilePermissions(temp, Files.getPosixFilePermissions(target));
        }
    }

    private static String describe(IOException e) {
        String kind = e.getClass().getSimpleName().replace("Exception", "");
        return e.getMessage() == null ? kind : kind + " " + e.getMessage();
    }

    /**
     * Writes {@code target} through a temporary sibling renamed over it, so a reader never sees half a
     * file; missing folders are made now; a file it replaces keeps its permissions (a private 0600 file
     * stays private).
     */
    public static void write(Path target, Writer body) throws IOException {
        Path absolute = target.toAbsolutePath();
        Path dir = requireWritableFolder(target);
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new IOException("cannot write " + target + ": " + describe(e), e);
        }
        removeStaleTemporaries(dir, absolute.getFileName().toString());
        // created as any new file is (the process's umask applies), not as a private temporary file
        Path temp = temporarySibling(dir, absolute.getFileName().toString());
        try {
            try (OutputStream out = Files.newOutputStream(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                body.writeTo(out);
            } catch (FileAlreadyExistsException | AccessDeniedException e) {
                throw new IOException("cannot write " + target + ": " + describe(e), e);
            }
            keepPermissions(absolute, temp);
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
