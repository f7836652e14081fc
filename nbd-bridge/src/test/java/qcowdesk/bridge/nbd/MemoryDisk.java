package qcowdesk.bridge.nbd;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import qcowdesk.engine.AllocationEvent;
import qcowdesk.engine.MapEntry;
import qcowdesk.engine.VirtualDisk;

/**
 * A sparse in-memory disk with cluster-granular allocation, for protocol tests that need precise control
 * of the map (interop tests use real QCOW2 images). Clusters are absent (hole), zero (explicitly zeroed,
 * no storage) or data.
 */
final class MemoryDisk implements VirtualDisk {

    private static final byte[] ZERO_MARK = new byte[0];

    private final long size;
    private final int clusterSize;
    private final boolean readOnly;
    private final ConcurrentHashMap<Long, byte[]> clusters = new ConcurrentHashMap<>();
    final AtomicInteger flushes = new AtomicInteger();

    MemoryDisk(long size, int clusterSize, boolean readOnly) {
        this.size = size;
        this.clusterSize = clusterSize;
        this.readOnly = readOnly;
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public boolean isReadOnly() {
        return readOnly;
    }

    @Override
    public int clusterSize() {
        return clusterSize;
    }

    @Override
    public synchronized void read(long offset, ByteBuffer dst) {
        long position = offset;
        while (dst.hasRemaining()) {
            long index = position / clusterSize;
            int within = (int) (position % clusterSize);
            int n = Math.min(dst.remaining(), clusterSize - within);
            byte[] data = clusters.get(index);
            if (data == null || data == ZERO_MARK) {
                dst.put(new byte[n]);
            } else {
                dst.put(data, within, n);
            }
            position += n;
        }
    }

    @Override
    public synchronized void write(long offset, ByteBuffer src) throws IOException {
        checkWritable();
        long position = offset;
        while (src.hasRemaining()) {
            long index = position / clusterSize;
            int within = (int) (position % clusterSize);
            int n = Math.min(src.remaining(), clusterSize - within);
            byte[] data = clusters.get(index);
            if (data == null || data == ZERO_MARK) {
                data = new byte[clusterSize];
                clusters.put(index, data);
            }
            src.get(data, within, n);
            position += n;
        }
    }

    @Override
    public synchronized void writeZeroes(long offset, long length, boolean mayDeallocate) throws IOException {
        checkWritable();
        long position = offset;
        long end = offset + length;
        while (position < end) {
            long index = position / clusterSize;
            int within = (int) (position % clusterSize);
            int n = (int) Math.min(end - position, clusterSize - within);
            byte[] data = clusters.get(index);
            if (n == clusterSize) {
                clusters.put(index, ZERO_MARK);
            } else if (data != null && data != ZERO_MARK) {
                java.util.Arrays.fill(data, within, within + n, (byte) 0);
            }
            position += n;
        }
    }

    @Override
    public synchronized void discard(long offset, long length) throws IOException {
        checkWritable();
        for (long index = (offset + clusterSize - 1) / clusterSize; (index + 1) * clusterSize <= offset + length; index++) {
            clusters.remove(index);
        }
    }

    @Override
    public void flush() {
        flushes.incrementAndGet();
    }

    @Override
    public synchronized List<MapEntry> map(long offset, long length) {
        List<MapEntry> entries = new ArrayList<>();
        long position = offset;
        long end = Math.min(offset + length, size);
        while (position < end) {
            long index = position / clusterSize;
            long stop = Math.min(end, (index + 1) * clusterSize);
            byte[] data = clusters.get(index);
            boolean present = data != null;
            boolean hasData = present && data != ZERO_MARK;
            MapEntry entry = new MapEntry(position, stop - position, present ? 0 : 1, present, !hasData, hasData,
                    false, hasData ? index * clusterSize : MapEntry.NO_OFFSET);
            MapEntry last = entries.isEmpty() ? null : entries.get(entries.size() - 1);
            if (last != null && last.present() == present && last.data() == hasData) {
                entries.set(entries.size() - 1, new MapEntry(last.start(), last.length() + entry.length(), last.depth(),
                        present, last.zero(), hasData, false, last.hostOffset()));
            } else {
                entries.add(entry);
            }
            position = stop;
        }
        return entries;
    }

    @Override
    public Subscription onAllocation(Consumer<AllocationEvent> listener) {
        return () -> { };
    }

    @Override
    public void close() {
    }

    private void checkWritable() throws IOException {
        if (readOnly) {
            throw new IOException("read-only disk");
        }
    }
}
