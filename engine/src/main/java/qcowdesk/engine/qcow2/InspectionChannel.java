package qcowdesk.engine.qcow2;

import qcowdesk.engine.EngineException;
import qcowdesk.engine.ErrorCode;

import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * A channel on an image for the inspection and repair tools (info, host map, check), which read metadata directly.
 * Closing it goes through {@link ImageLock#closeChannel}: a plain close would drop the POSIX locks of a writer in
 * this process on the same file (an attached device), letting QEMU open it for writing behind our back.
 */
public final class InspectionChannel implements Closeable {

    private final FileChannel channel;
    private final Object fileKey;

    private InspectionChannel(FileChannel channel, Object fileKey) {
        this.channel = channel;
        this.fileKey = fileKey;
    }

    /** Opens {@code path} for reading, or for reading and writing (repair). */
    public static InspectionChannel open(Path path, boolean writable) throws EngineException {
        FileChannel channel;
        try {
            channel = writable ? FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE)
                    : FileChannel.open(path, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw new EngineException(ErrorCode.INVALID_ARGUMENT, "no such file: " + path);
        } catch (AccessDeniedException e) {
            throw new EngineException(writable ? ErrorCode.READ_ONLY_FILE : ErrorCode.IO,
                    path + ": permission denied" + (writable ? " for writing" : ""));
        } catch (IOException e) {
            throw new EngineException(ErrorCode.IO, "cannot open " + path + ": " + e.getMessage(), e);
        }
        try {
            Object key = Files.readAttributes(path, BasicFileAttributes.class).fileKey();
            return new InspectionChannel(channel, key);
        } catch (IOException e) {
            try {
                channel.close();
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw new EngineException(ErrorCode.IO, "cannot open " + path + ": " + e.getMessage(), e);
        }
    }

    public FileChannel channel() {
        return channel;
    }

    @Override
    public void close() throws IOException {
        ImageLock.closeChannel(fileKey, channel);
    }
}
