package dev.trm.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One training run at a time per run folder: a lock on {@code DIR/.lock} held for the whole run,
 * so a second {@code trm train} (or a resume) into the same folder is refused instead of
 * truncating the metrics and checkpoint the first one is writing. The operating system releases
 * the lock when the process ends, however it ends; the empty file stays.
 */
public final class RunLock implements AutoCloseable {
    public static final String FILE = ".lock";

    /** Another run is writing into the folder. */
    public static final class InUseException extends RuntimeException {
        public InUseException(String message) {
            super(message);
        }
    }

    private final FileChannel channel;
    private final FileLock lock;

    private RunLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Takes the folder's lock, creating the folder if needed.
     *
     * @throws InUseException when another run holds it
     */
    public static RunLock acquire(Path dir) {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            String why = dir + ": -o names a run folder, and this is a file (give a folder that does not exist yet, or an earlier run's)";
            throw new UncheckedIOException(why, new IOException(why));
        }
        try {
            Files.createDirectories(dir);
            FileChannel channel = FileChannel.open(dir.resolve(FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null; // held by this process
            }
            if (lock == null) {
                channel.close();
                throw new InUseException(dir + " is in use by another training run that is still running;"
                        + " wait for it to end or pick another -o");
            }
            return new RunLock(channel, lock);
        } catch (IOException e) {
            throw new UncheckedIOException(dir + ": cannot use it as the run folder (" + describe(e) + ")", e);
        }
    }

    private static String describe(IOException e) {
        String kind = e.getClass().getSimpleName().replace("Exception", "").replace("FileSystem", "");
        return e.getMessage() == null ? kind : kind + ": " + e.getMessage();
    }

    @Override
    public void close() {
        try {
            lock.release();
            channel.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
