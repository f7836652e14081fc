package qcowdesk.engine.qcow2;

import qcowdesk.engine.EngineException;
import qcowdesk.engine.ErrorCode;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Write lock on an image, compatible with QEMU's image locking (block/file-posix.c): QEMU takes shared byte-range
 * locks at offset 100+bit for each permission it holds and at 200+bit for each permission it refuses to share
 * (bit 0 consistent read, 1 write, 2 write unchanged, 3 resize). A writer here holds all four permissions and
 * shares neither write nor resize, exactly like a QEMU writer; before taking its locks it tests that nobody holds
 * a conflicting byte. Java's locks are POSIX record locks, which conflict with QEMU's OFD locks.
 *
 * <p>POSIX locks belong to the process, and closing any descriptor of the file drops all of them. So within this
 * JVM a registry refuses a second writer of the same file, and channels on a file that has a writer here are kept
 * open until the writer releases (see {@link #closeChannel}).
 */
final class ImageLock {

    private static final int PERM_CONSISTENT_READ = 0;
    private static final int PERM_WRITE = 1;
    private static final int PERM_WRITE_UNCHANGED = 2;
    private static final int PERM_RESIZE = 3;
    private static final int[] HELD = {PERM_CONSISTENT_READ, PERM_WRITE, PERM_WRITE_UNCHANGED, PERM_RESIZE};
    private static final int[] UNSHARED = {PERM_WRITE, PERM_RESIZE};
    private static final String[] PERM_NAMES = {"consistent read", "write", "write unchanged", "resize"};

    /** Writers in this JVM, by file key (device and inode), with channels whose close must wait for them. */
    private static final Map<Object, List<FileChannel>> WRITERS = new HashMap<>();

    private final Object fileKey;
    private final FileChannel channel;
    private final List<FileLock> locks = new ArrayList<>();

    private ImageLock(Object fileKey, FileChannel channel) {
        this.fileKey = fileKey;
        this.channel = channel;
    }

    /** Takes the write lock or fails with IN_USE. */
    static ImageLock acquireWrite(Path path, Object fileKey, FileChannel channel) throws IOException {
        synchronized (WRITERS) {
            if (WRITERS.containsKey(fileKey)) {
                throw new EngineException(ErrorCode.IN_USE,
                        path + " is in use: this process already has it open for writing");
            }
            ImageLock probe = new ImageLock(fileKey, channel);
            probe.requireNoWriter(path);
            for (int perm : HELD) {
                probe.requireFree(path, 200 + perm, "which does not share " + PERM_NAMES[perm] + " access");
            }
            return register(fileKey, channel, HELD);
        }
    }

    /** Takes shared locks on {@code 100+held} and on {@code 200+}each unshared permission; registers the file. */
    private static ImageLock register(Object fileKey, FileChannel channel, int[] held) throws IOException {
        ImageLock lock = new ImageLock(fileKey, channel);
        try {
            for (int perm : held) {
                lock.locks.add(channel.lock(100 + perm, 1, true));
            }
            for (int perm : UNSHARED) {
                lock.locks.add(channel.lock(200 + perm, 1, true));
            }
        } catch (IOException | RuntimeException e) {
            lock.releaseLocks();
            throw e;
        }
        WRITERS.put(fileKey, new ArrayList<>());
        return lock;
    }

    /** Fails IN_USE when another process holds write or resize permission. */
    private void requireNoWriter(Path path) throws IOException {
        for (int perm : UNSHARED) {
            requireFree(path, 100 + perm, perm == PERM_WRITE ? "locked for writing"
                    : "holding " + PERM_NAMES[perm] + " permission");
        }
    }

    /**
     * Takes the locks of a QEMU backing-file reader: it holds consistent read and shares neither write nor resize,
     * so no writer (QEMU's or ours, in any process) can open the image while it is read, and nobody holding write
     * or resize lets it in. Used under a temporary overlay, whose guest view breaks if the image changes. Within
     * this JVM it is registered like a writer (a second writer is refused, closes are deferred).
     */
    static ImageLock acquireExcludingWriters(Path path, Object fileKey, FileChannel channel) throws IOException {
        synchronized (WRITERS) {
            if (WRITERS.containsKey(fileKey)) {
                throw new EngineException(ErrorCode.IN_USE,
                        path + " is in use: this process already has it open for writing");
            }
            // testing for another process's lock takes an exclusive probe, which Java allows on a writable channel
            // only; the probe is closed before any lock of ours is taken (closing drops this process's locks)
            try (FileChannel probe = probeChannel(path)) {
                if (probe != null) {
                    ImageLock test = new ImageLock(fileKey, probe);
                    test.requireNoWriter(path);
                    test.requireFree(path, 200 + PERM_CONSISTENT_READ, "which does not share consistent read access");
                }
            }
            return register(fileKey, channel, new int[] {PERM_CONSISTENT_READ});
        }
    }

    /** A writable channel for lock probes, or null when the file cannot be opened for writing. */
    private static FileChannel probeChannel(Path path) {
        try {
            return FileChannel.open(path, java.nio.file.StandardOpenOption.WRITE);
        } catch (IOException | SecurityException e) {
            return null; // a file we may not write: other processes' writers cannot be seen, only kept out
        }
    }

    private void requireFree(Path path, long byteOffset, String why) throws IOException {
        FileLock probe;
        try {
            probe = channel.tryLock(byteOffset, 1, false);
        } catch (OverlappingFileLockException e) {
            probe = null;
        }
        if (probe == null) {
            throw new EngineException(ErrorCode.IN_USE, path + " is in use by another process (" + why + ")");
        }
        probe.release();
    }

    private void releaseLocks() {
        for (FileLock l : locks) {
            try {
                l.release();
            } catch (IOException e) {
                // The channel closes next, which drops the lock anyway.
            }
        }
        locks.clear();
    }

    /** Releases the locks and closes the channels whose close was deferred because of this writer. */
    void release() throws IOException {
        List<FileChannel> deferred;
        synchronized (WRITERS) {
            releaseLocks();
            deferred = WRITERS.remove(fileKey);
        }
        if (deferred != null) {
            for (FileChannel c : deferred) {
                c.close();
            }
        }
    }

    /**
     * Closes a channel that holds no lock. If this JVM has a writer on the same file, the close is deferred until
     * that writer releases, because closing would silently drop the writer's POSIX locks.
     */
    static void closeChannel(Object fileKey, FileChannel channel) throws IOException {
        synchronized (WRITERS) {
            List<FileChannel> deferred = fileKey == null ? null : WRITERS.get(fileKey);
            if (deferred != null) {
                deferred.add(channel);
                return;
            }
        }
        channel.close();
    }
}
