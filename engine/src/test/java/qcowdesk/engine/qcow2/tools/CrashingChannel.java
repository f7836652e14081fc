package qcowdesk.engine.qcow2.tools;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;

/**
 * A real file channel that "crashes" before its {@code n}-th write: that write and everything after it never
 * reach the file, as when the process is killed between two pwrite calls. The crash is an {@link Error}, so no
 * clean-up of the code under test (which handles IOException and RuntimeException) runs, as none would after a
 * SIGKILL.
 */
final class CrashingChannel extends FileChannel {

    /** Thrown at the simulated instant of the crash. */
    static final class Crash extends Error {
        Crash() {
            super("simulated crash", null, false, false);
        }
    }

    private final FileChannel file;
    private final long crashAt;
    private long writes;

    CrashingChannel(FileChannel file, long crashAt) {
        this.file = file;
        this.crashAt = crashAt;
    }

    /** Writes (and truncations) attempted so far, the crashing one included. */
    long writes() {
        return writes;
    }

    private void beforeWrite() {
        if (++writes >= crashAt) {
            throw new Crash();
        }
    }

    @Override
    public int write(ByteBuffer src, long position) throws IOException {
        beforeWrite();
        return file.write(src, position);
    }

    @Override
    public FileChannel truncate(long size) throws IOException {
        beforeWrite();
        file.truncate(size);
        return this;
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        beforeWrite();
        return file.write(src);
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        beforeWrite();
        return file.write(srcs, offset, length);
    }

    @Override
    public long transferFrom(ReadableByteChannel src, long position, long count) throws IOException {
        beforeWrite();
        return file.transferFrom(src, position, count);
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        return file.read(dst);
    }

    @Override
    public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
        return file.read(dsts, offset, length);
    }

    @Override
    public int read(ByteBuffer dst, long position) throws IOException {
        return file.read(dst, position);
    }

    @Override
    public long position() throws IOException {
        return file.position();
    }

    @Override
    public FileChannel position(long newPosition) throws IOException {
        file.position(newPosition);
        return this;
    }

    @Override
    public long size() throws IOException {
        return file.size();
    }

    @Override
    public void force(boolean metaData) throws IOException {
        file.force(metaData);
    }

    @Override
    public long transferTo(long position, long count, WritableByteChannel target) throws IOException {
        return file.transferTo(position, count, target);
    }

    @Override
    public MappedByteBuffer map(MapMode mode, long position, long size) throws IOException {
        throw new UnsupportedOperationException("not mapped in crash tests");
    }

    @Override
    public FileLock lock(long position, long size, boolean shared) throws IOException {
        return file.lock(position, size, shared);
    }

    @Override
    public FileLock tryLock(long position, long size, boolean shared) throws IOException {
        return file.tryLock(position, size, shared);
    }

    @Override
    protected void implCloseChannel() throws IOException {
        file.close();
    }
}
