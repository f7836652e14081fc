package qcowdesk.engine.qcow2;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

/** Positional, thread-safe I/O on one file (the image or its external data file). */
final class ImageFile implements Closeable {

    private final Path path;
    private final FileChannel channel;
    private final Object fileKey;
    /**
     * The file's length as our own writes left it, or -1 when the kernel must be asked: set by {@link #ownLength}
     * once this process holds the file's write lock, after which nobody else changes the length and an allocating
     * write need not pay an fstat to learn whether its cluster lies past the end.
     */
    private final AtomicLong ownLength = new AtomicLong(-1);

    ImageFile(Path path, FileChannel channel, Object fileKey) {
        this.path = path;
        this.channel = channel;
        this.fileKey = fileKey;
    }

    /** Device and inode of the file, for identity checks that survive renames and different path spellings. */
    Object fileKey() {
        return fileKey;
    }

    Path path() {
        return path;
    }

    FileChannel channel() {
        return channel;
    }

    long size() throws IOException {
        long known = ownLength.get();
        return known >= 0 ? known : channel.size();
    }

    /** Called with the file's write lock held: from now on the length is the one our writes leave. */
    void ownLength() throws IOException {
        ownLength.set(channel.size());
    }

    /** Fills all of {@code dst} from {@code position}; bytes past the end of the file read as zeros (as in QEMU). */
    void read(long position, ByteBuffer dst) throws IOException {
        FileIo.readFully(channel, dst, position);
    }

    byte[] read(long position, int length) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(length);
        read(position, buf);
        return buf.array();
    }

    /**
     * Observes every completed write (tests use it to snapshot the file between any two writes, which is what a
     * crash at that instant would leave behind). Null in normal operation.
     */
    static volatile WriteTap tap;

    interface WriteTap {
        /** Called after {@code data} (positioned at what was written) was written at {@code position}. */
        void afterWrite(ImageFile file, long position, ByteBuffer data) throws IOException;

        /** Called after a sync: everything written before is durable. */
        default void afterSync(ImageFile file) throws IOException {
        }
    }

    void write(long position, ByteBuffer src) throws IOException {
        WriteTap t = tap;
        ByteBuffer written = t == null ? null : src.duplicate();
        long end = position + src.remaining();
        FileIo.writeFully(channel, src, position);
        if (ownLength.get() >= 0 && end > ownLength.get()) {
            ownLength.accumulateAndGet(end, Math::max);
        }
        if (t != null) {
            t.afterWrite(this, position, written);
        }
    }

    void write(long position, byte[] data) throws IOException {
        write(position, ByteBuffer.wrap(data));
    }

    /** Makes everything written so far durable (fdatasync: includes the file size). */
    void sync() throws IOException {
        channel.force(false);
        WriteTap t = tap;
        if (t != null) {
            t.afterSync(this);
        }
    }

    @Override
    public void close() throws IOException {
        ImageLock.closeChannel(fileKey, channel);
    }
}
