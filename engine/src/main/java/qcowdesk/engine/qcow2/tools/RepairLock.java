package qcowdesk.engine.qcow2.tools;

import qcowdesk.engine.EngineException;
import qcowdesk.engine.ErrorCode;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;

/**
 * Exclusive use of an image for offline repair. QEMU marks an open image with locks on bytes 100.. and 200.. of the
 * file (one byte per permission); an exclusive lock over that whole range therefore fails while any QEMU process,
 * or any opener in this JVM that locks the same bytes, has the image open, and it keeps them out while we work.
 */
public final class RepairLock implements AutoCloseable {

    private static final long FIRST_LOCK_BYTE = 100;
    private static final long LOCK_BYTES = 200;

    private final FileLock lock;

    private RepairLock(FileLock lock) {
        this.lock = lock;
    }

    public static RepairLock exclusive(FileChannel channel, Path path) throws EngineException {
        FileLock lock;
        try {
            lock = channel.tryLock(FIRST_LOCK_BYTE, LOCK_BYTES, false);
        } catch (OverlappingFileLockException e) {
            lock = null; // held by another channel of this JVM: an attached device
        } catch (IOException e) {
            throw new EngineException(ErrorCode.IO, "cannot lock " + path + ": " + e.getMessage(), e);
        }
        if (lock == null) {
            throw inUse(path);
        }
        return new RepairLock(lock);
    }

    private static EngineException inUse(Path path) {
        return new EngineException(ErrorCode.IN_USE, path + " is in use (open in QEMU or attached as a device); "
                + "close or detach it before repairing");
    }

    @Override
    public void close() throws IOException {
        lock.release();
    }
}
