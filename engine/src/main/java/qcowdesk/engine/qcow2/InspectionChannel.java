package qcowdesk.engine.qcow2;

import qcowdesk.engine.EngineException;
import qcowdesk.engine.ErrorCode;
import qcowdesk.engine.OpenErrors;

import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * A channel on an image for the inspection and repair tools (info, host map, check), which read metadata directly.
 * Closing it goes through {@link ImageLock#closeChannel}: a plain close would drop the POSIX locks of a writer in
 * this process on the same file (an attached device), letting QEMU open it for writing behind our back.
 */
public final class InspectionChannel implements Closeable {

    /** QEMU's lock byte meaning "holds write permission" (block/file-posix.c: 100 + BLK_PERM_WRITE). */
    private static final long WRITE_PERMISSION_BYTE = 101;

    private final FileChannel channel;
    private final Object fileKey;

    private InspectionChannel(FileChannel channel, Object fileKey) {
        this.channel = channel;
        this.fileKey = fileKey;
    }

    /** Opens {@code path} for reading, or for reading and writing (repair). */
    public static InspectionChannel open(Path path, boolean writable) throws EngineException {
        try {
            RegularFiles.Opened opened = RegularFiles.open(path, writable);
            return new InspectionChannel(opened.channel(), opened.fileKey());
        } catch (IOException e) {
            throw OpenErrors.explain(e, path.toString(), writable, null);
        }
    }

    /**
     * Refuses (IN_USE) when a writer has the image open, here or in QEMU, as {@code qemu-img check} does: metadata
     * read while it changes would show mismatches that are not there. Every writer holds a shared lock on QEMU's
     * "write permission" byte, so an exclusive probe of that byte fails (readers lock other bytes). The probe needs a writable descriptor; for a file we may
     * not write, nobody may be writing it through our permissions either, and the probe is skipped.
     */
    public void requireNoWriter(Path path) throws EngineException {
        if (!Files.isWritable(path)) {
            return;
        }
        FileChannel probe;
        try {
            probe = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
        } catch (IOException e) {
            return; // cannot open for writing (read-only file system): no writer through this path either
        }
        boolean written;
        try {
            FileLock lock = probe.tryLock(WRITE_PERMISSION_BYTE, 1, false);
            written = lock == null;
            if (lock != null) {
                lock.release();
            }
        } catch (OverlappingFileLockException e) {
            written = true; // a writer of this process holds it
        } catch (IOException e) {
            written = false;
        } finally {
            try {
                ImageLock.closeChannel(fileKey, probe);
            } catch (IOException e) {
                // closing a probe that holds no lock cannot lose data
            }
        }
        if (written) {
            throw new EngineException(ErrorCode.IN_USE, path + " is open for writing (attached as a device or "
                    + "used by QEMU); detach or close it first");
        }
    }

    /** The identity (device and inode) of the file that is open. */
    public Object fileKey() {
        return fileKey;
    }

    public FileChannel channel() {
        return channel;
    }

    @Override
    public void close() throws IOException {
        ImageLock.closeChannel(fileKey, channel);
    }
}
