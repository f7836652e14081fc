package qcowdesk.engine.testing;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import qcowdesk.engine.AllocationEvent;
import qcowdesk.engine.MapEntry;

/**
 * A sparse in-memory disk for model tests that need exact control (huge sizes, events on demand).
 * Allocated clusters are stored at "host" offsets in allocation order, as an append-only image would.
 */
public final class MemoryDisk extends FakeDisk {

    private final long size;
    private final int clusterSize;
    private final TreeMap<Long, byte[]> clusters = new TreeMap<>();
    private final Map<Long, Long> hostOffsets = new TreeMap<>();
    private long nextHost;

    public MemoryDisk(long size, int clusterSize) {
        this.size = size;
        this.clusterSize = clusterSize;
        this.nextHost = 3L * clusterSize;
    }

    @Override public long size() { return size; }
    @Override public boolean isReadOnly() { return false; }
    @Override public int clusterSize() { return clusterSize; }

    @Override
    public synchronized void read(long offset, ByteBuffer dst) {
        while (dst.hasRemaining()) {
            long index = offset / clusterSize;
            int within = (int) (offset % clusterSize);
            int n = Math.min(dst.remaining(), clusterSize - within);
            byte[] data = clusters.get(index);
            if (data == null) {
                dst.put(new byte[n]);
            } else {
                dst.put(data, within, n);
            }
            offset += n;
        }
    }

    @Override
    public void write(long offset, ByteBuffer src) {
        List<AllocationEvent> events = new ArrayList<>();
        synchronized (this) {
            while (src.hasRemaining()) {
                long index = offset / clusterSize;
                int within = (int) (offset % clusterSize);
                int n = Math.min(src.remaining(), clusterSize - within);
                byte[] data = clusters.get(index);
                if (data == null) {
                    data = new byte[clusterSize];
                    clusters.put(index, data);
                    hostOffsets.put(index, nextHost);
                    nextHost += clusterSize;
                    events.add(new AllocationEvent(index * clusterSize, clusterSize, true, nextHost));
                }
                src.get(data, within, n);
                offset += n;
            }
        }
        events.forEach(this::announce);
    }

    @Override public void writeZeroes(long offset, long length, boolean mayDeallocate) throws IOException { throw new IOException("not supported"); }
    @Override public void discard(long offset, long length) throws IOException { throw new IOException("not supported"); }
    @Override public void flush() { }

    @Override
    public synchronized List<MapEntry> map(long offset, long length) {
        List<MapEntry> out = new ArrayList<>();
        long end = Math.min(size, offset + length);
        long position = offset;
        while (position < end) {
            long index = position / clusterSize;
            Long host = hostOffsets.get(index);
            long runEnd;
            if (host == null) {
                Long next = clusters.ceilingKey(index);
                runEnd = next == null ? end : Math.min(end, next * clusterSize);
                out.add(new MapEntry(position, runEnd - position, 0, false, true, false, false, MapEntry.NO_OFFSET));
            } else {
                runEnd = Math.min(end, (index + 1) * clusterSize);
                out.add(new MapEntry(position, runEnd - position, 0, true, false, true, false, host + position % clusterSize));
            }
            position = runEnd;
        }
        return out;
    }

    @Override public void close() { }
}
