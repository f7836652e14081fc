package qcowdesk.engine.qcow2.ops;

import qcowdesk.engine.EngineException;
import qcowdesk.engine.ErrorCode;
import qcowdesk.engine.MapEntry;
import qcowdesk.engine.VirtualDisk;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * A raw file read as a disk, for the operations' inputs. Java cannot ask the file system for its holes
 * (SEEK_DATA), so the map reads the file and calls each 4 KiB block that holds only zeros a hole: the same answer
 * qemu-img gets for a sparse file, and a smaller one for blocks of written zeros.
 */
final class RawDisk implements VirtualDisk {

    private static final int BLOCK = 4096;
    private static final int MAP_WINDOW = 1 << 20;

    private final FileChannel file;
    private final long size;

    private RawDisk(FileChannel file) throws IOException {
        this.file = file;
        this.size = file.size();
    }

    static RawDisk open(Path path) throws IOException {
        DiskFormat.requireOpenable(path);
        return new RawDisk(FileChannel.open(path, StandardOpenOption.READ));
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public boolean isReadOnly() {
        return true;
    }

    @Override
    public int clusterSize() {
        return 65536;
    }

    @Override
    public void read(long offset, ByteBuffer dst) throws IOException {
        long at = offset;
        while (dst.hasRemaining()) {
            int n = at >= size ? -1 : file.read(dst, at);
            if (n < 0) {
                while (dst.hasRemaining()) {
                    dst.put((byte) 0);
                }
                return;
            }
            at += n;
        }
    }

    @Override
    public void write(long offset, ByteBuffer src) throws IOException {
        throw readOnly();
    }

    @Override
    public void writeZeroes(long offset, long length, boolean mayDeallocate) throws IOException {
        throw readOnly();
    }

    @Override
    public void discard(long offset, long length) throws IOException {
        throw readOnly();
    }

    @Override
    public void flush() {
        // nothing is ever written
    }

    @Override
    public List<MapEntry> map(long offset, long length) throws IOException {
        int n = (int) Math.min(Math.min(length, MAP_WINDOW), Math.max(0, size - offset));
        if (n <= 0) {
            return List.of(new MapEntry(offset, length, 0, false, true, false, false, MapEntry.NO_OFFSET));
        }
        ByteBuffer window = ByteBuffer.allocate(n);
        read(offset, window);
        List<MapEntry> extents = new ArrayList<>();
        long runStart = offset;
        Boolean runZero = null;
        for (int at = 0; at < n; at += BLOCK) {
            int len = Math.min(BLOCK, n - at);
            boolean zero = Zeros.isZero(window, at, len);
            if (runZero != null && zero != runZero) {
                extents.add(extent(runStart, offset + at - runStart, runZero));
                runStart = offset + at;
            }
            runZero = zero;
        }
        extents.add(extent(runStart, offset + n - runStart, runZero));
        return extents;
    }

    private static MapEntry extent(long start, long length, boolean zero) {
        return new MapEntry(start, length, 0, true, zero, !zero, false, zero ? MapEntry.NO_OFFSET : start);
    }

    @Override
    public Subscription onAllocation(Consumer<qcowdesk.engine.AllocationEvent> listener) {
        return () -> { };
    }

    @Override
    public void close() throws IOException {
        file.close();
    }

    private static EngineException readOnly() {
        return new EngineException(ErrorCode.INVALID_ARGUMENT, "raw inputs are opened read-only");
    }
}
