package qcowdesk.engine.testing;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import qcowdesk.engine.AllocationEvent;
import qcowdesk.engine.MapEntry;
import qcowdesk.engine.VirtualDisk;
import qcowdesk.engine.ZeroRun;

/**
 * A real disk that counts its flushes, so tests can see FUA and FLUSH reach the image; it can also fail the writes
 * at one offset, as a full or failing host disk would, so tests can see an error reach the client.
 */
public final class FlushCountingDisk implements VirtualDisk {

    private final VirtualDisk disk;
    public final AtomicInteger flushes = new AtomicInteger();
    /** Writes that start at this offset fail with "No space left on device"; -1: none fails. */
    public volatile long failingWriteOffset = -1;

    public FlushCountingDisk(VirtualDisk disk) {
        this.disk = disk;
    }

    @Override
    public void flush() throws IOException {
        flushes.incrementAndGet();
        disk.flush();
    }

    @Override
    public long size() {
        return disk.size();
    }

    @Override
    public boolean isReadOnly() {
        return disk.isReadOnly();
    }

    @Override
    public int clusterSize() {
        return disk.clusterSize();
    }

    @Override
    public void read(long offset, ByteBuffer dst) throws IOException {
        disk.read(offset, dst);
    }

    /** Passed through, so that the bridge's READ replies use the image's one-pass read, as in production. */
    @Override
    public List<ZeroRun> readReportingZeros(long offset, ByteBuffer dst) throws IOException {
        return disk.readReportingZeros(offset, dst);
    }

    @Override
    public void readUnchecked(long offset, ByteBuffer dst) throws IOException {
        disk.readUnchecked(offset, dst);
    }

    @Override
    public List<ZeroRun> readReportingZerosUnchecked(long offset, ByteBuffer dst) throws IOException {
        return disk.readReportingZerosUnchecked(offset, dst);
    }

    @Override
    public void write(long offset, ByteBuffer src) throws IOException {
        if (offset == failingWriteOffset) {
            throw new IOException("No space left on device");
        }
        disk.write(offset, src);
    }

    @Override
    public void writeZeroes(long offset, long length, boolean mayDeallocate) throws IOException {
        disk.writeZeroes(offset, length, mayDeallocate);
    }

    @Override
    public boolean zeroesFast(long offset, long length, boolean mayDeallocate) {
        return disk.zeroesFast(offset, length, mayDeallocate);
    }

    @Override
    public void discard(long offset, long length) throws IOException {
        disk.discard(offset, length);
    }

    @Override
    public List<MapEntry> map(long offset, long length) throws IOException {
        return disk.map(offset, length);
    }

    @Override
    public List<MapEntry> mapUnchecked(long offset, long length) throws IOException {
        return disk.mapUnchecked(offset, length);
    }

    @Override
    public Subscription onAllocation(Consumer<AllocationEvent> listener) {
        return disk.onAllocation(listener);
    }

    @Override
    public void close() throws IOException {
        disk.close();
    }
}
