package qcowdesk.engine.testing;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import qcowdesk.engine.MapEntry;

/**
 * A raw file as a VirtualDisk, for testing the device table apart from the QCOW2 format: it really opens the
 * file (so open-for-write failures, descriptors and fstat are real), and counts flushes and closes.
 */
public final class RawFileDisk extends FakeDisk {

    public final AtomicInteger flushes = new AtomicInteger();
    public final AtomicInteger closes = new AtomicInteger();
    private final FileChannel channel;
    private final boolean readOnly;

    public RawFileDisk(Path path, boolean readOnly) throws IOException {
        this.channel = readOnly ? FileChannel.open(path, StandardOpenOption.READ)
                : FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
        this.readOnly = readOnly;
    }

    @Override
    public long size() {
        try {
            return channel.size();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public boolean isReadOnly() {
        return readOnly;
    }

    @Override
    public int clusterSize() {
        return 65536;
    }

    @Override
    public void read(long offset, ByteBuffer dst) throws IOException {
        while (dst.hasRemaining()) {
            int n = channel.read(dst, offset);
            if (n < 0) {
                break;
            }
            offset += n;
        }
    }

    @Override
    public void write(long offset, ByteBuffer src) throws IOException {
        while (src.hasRemaining()) {
            offset += channel.write(src, offset);
        }
    }

    @Override
    public void writeZeroes(long offset, long length, boolean mayDeallocate) throws IOException {
        write(offset, ByteBuffer.allocate((int) length));
    }

    @Override
    public void discard(long offset, long length) {
    }

    @Override
    public void flush() throws IOException {
        flushes.incrementAndGet();
        channel.force(true);
    }

    @Override
    public List<MapEntry> map(long offset, long length) {
        return List.of(new MapEntry(offset, length, 0, true, false, true, false, offset));
    }

    @Override
    public void close() throws IOException {
        closes.incrementAndGet();
        channel.close();
    }
}
