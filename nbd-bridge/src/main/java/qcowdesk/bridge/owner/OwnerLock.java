package qcowdesk.bridge.owner;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import qcowdesk.bridge.RuntimeDirectory;
import qcowdesk.engine.EngineException;
import qcowdesk.engine.ErrorCode;
import qcowdesk.engine.device.FileIdentity;

/**
 * Makes sure one process per user owns the device table. The owner holds a lock on {@code owner.lock} in the
 * runtime directory for its whole life; the kernel drops it when the owner dies, however it dies, so a lock we
 * get proves that sockets left in the directory are stale and may be replaced. A second owner is refused with a
 * message naming the first (asked over its control socket, or read from the lock file, which holds its pid).
 */
public final class OwnerLock implements AutoCloseable {

    static final String LOCK_FILE = "owner.lock";

    /**
     * Lock files held by this JVM. Closing any channel on a locked file drops the JVM's lock on it, so a second
     * owner in the same process must be turned away before it opens the file at all.
     */
    private static final Set<Path> HELD_HERE = ConcurrentHashMap.newKeySet();

    private final Path path;
    private final String description;
    /** Replaced by {@link #restore} when the lock file was deleted from under us. */
    private FileChannel channel;
    private FileIdentity identity;

    private OwnerLock(Path path, String description, FileChannel channel) throws IOException {
        this.path = path;
        this.description = description;
        this.channel = channel;
        this.identity = FileIdentity.of(path);
    }

    /** How a refused owner learns what the running one says of itself (asked over its control socket). */
    @FunctionalInterface
    public interface Greeting {
        /** The running owner's summary; fails when nothing answers on {@code controlSocket}. */
        String summary(Path controlSocket) throws IOException;
    }

    /**
     * Becomes the owner of {@code runtime}: takes the lock, removes stale sockets, records this process.
     *
     * @param greeting how to ask a running owner for its summary, to name it when refusing
     * @throws EngineException IN_USE naming the running owner when there is one
     */
    public static OwnerLock acquire(RuntimeDirectory runtime, String description, Greeting greeting) throws IOException {
        runtime.ensureExists();
        PrivateDirectory.require(runtime.path());
        Path path = runtime.path().resolve(LOCK_FILE).toAbsolutePath().normalize();
        if (!HELD_HERE.add(path)) {
            throw alreadyRunning(runtime, greeting);
        }
        FileChannel channel = null;
        try {
            channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            FileLock lock = tryLock(channel);
            if (lock == null) {
                channel.close();
                HELD_HERE.remove(path);
                throw alreadyRunning(runtime, greeting);
            }
            // sockets served by someone without the lock are not ours to take over; dead ones are stale
            if (StaleSockets.isServed(runtime.controlSocket())) {
                throw alreadyRunning(runtime, greeting);
            }
            if (StaleSockets.isServed(runtime.nbdSocket())) {
                throw new EngineException(ErrorCode.IN_USE, "an NBD server (such as 'qcowctl serve') already listens on "
                        + runtime.nbdSocket() + "; stop it first, or give it another socket");
            }
            Files.deleteIfExists(runtime.controlSocket());
            Files.deleteIfExists(runtime.nbdSocket());
            record(channel, description);
            return new OwnerLock(path, description, channel);
        } catch (IOException | RuntimeException e) {
            if (channel != null && channel.isOpen()) {
                channel.close();
                HELD_HERE.remove(path);
            }
            throw e;
        }
    }

    private static void record(FileChannel channel, String description) throws IOException {
        String record = ProcessHandle.current().pid() + "\n" + description + "\n";
        channel.truncate(0);
        channel.write(ByteBuffer.wrap(record.getBytes(StandardCharsets.UTF_8)), 0);
        channel.force(false);
    }

    /** Whether {@code owner.lock} is still the file this lock holds (a cleaner may have deleted the directory). */
    public synchronized boolean isInPlace() {
        try {
            return FileIdentity.of(path).equals(identity);
        } catch (IOException gone) {
            return false;
        }
    }

    /**
     * Locks a new {@code owner.lock} after ours was deleted: a lock on a deleted file keeps no second owner out.
     * The directory must exist again.
     *
     * @throws EngineException IN_USE when another owner started meanwhile and holds the new file
     */
    public synchronized void restore() throws IOException {
        if (isInPlace()) {
            return;
        }
        FileChannel fresh = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        try {
            if (tryLock(fresh) == null) {
                throw new EngineException(ErrorCode.IN_USE, "another owner took " + path + " while it was missing");
            }
            record(fresh, description);
            identity = FileIdentity.of(path);
        } catch (IOException | RuntimeException e) {
            fresh.close();
            throw e;
        }
        FileChannel old = channel;
        channel = fresh;
        old.close();
    }

    private static FileLock tryLock(FileChannel channel) throws IOException {
        try {
            return channel.tryLock();
        } catch (OverlappingFileLockException e) {
            return null;
        }
    }

    private static EngineException alreadyRunning(RuntimeDirectory runtime, Greeting greeting) {
        return new EngineException(ErrorCode.IN_USE, "QcowDesk is already running as " + describeOwner(runtime, greeting)
                + " with control socket " + runtime.controlSocket() + "; use it (e.g. 'qcowctl list') or stop it first");
    }

    /** The running owner in words: what it says of itself, or else what its lock file records. */
    static String describeOwner(RuntimeDirectory runtime, Greeting greeting) {
        try {
            return greeting.summary(runtime.controlSocket());
        } catch (IOException notAnswering) {
            try {
                String[] record = Files.readString(runtime.path().resolve(LOCK_FILE)).split("\n");
                return record.length >= 2 ? "pid " + record[0] + " (" + record[1] + ")" : "another process";
            } catch (IOException | RuntimeException unreadable) {
                return "another process";
            }
        }
    }

    /** Gives up ownership. The lock file stays: deleting it would race with the next owner's lock. */
    @Override
    public synchronized void close() throws IOException {
        try {
            channel.truncate(0);
        } finally {
            channel.close();
            HELD_HERE.remove(path);
        }
    }
}
