package qcowdesk.app.growth;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

import qcowdesk.app.inspect.ExtentWalk;
import qcowdesk.app.inspect.GuestStatus;
import qcowdesk.engine.AllocationEvent;
import qcowdesk.engine.VirtualDisk;

/**
 * The running totals the growth chart samples: file size and allocated clusters. A background scan sets the
 * starting point; allocation events (on the writers' threads) move it; the chart reads it on the FX thread
 * without touching the disk.
 */
public final class AllocationCounter implements AutoCloseable {

    private final int clusterSize;
    private final AtomicLong allocatedBytes = new AtomicLong();
    private final AtomicLong fileSize = new AtomicLong();
    private final VirtualDisk.Subscription subscription;

    /** Starts counting events at once, so none is lost while the baseline scan runs. */
    public AllocationCounter(VirtualDisk disk) {
        this.clusterSize = disk.clusterSize();
        this.subscription = disk.onAllocation(this::accept);
    }

    /**
     * Counts what the disk stores now (off the FX thread). Events that arrive during the scan may be counted
     * twice; the next {@code baseline} call (the view rescans periodically) corrects that.
     */
    public void baseline(VirtualDisk disk, long currentFileSize, BooleanSupplier cancelled) throws IOException {
        long[] stored = {0};
        ExtentWalk.walk(disk, 0, disk.size(), cancelled, entry -> {
            GuestStatus status = GuestStatus.of(entry);
            if (status == GuestStatus.DATA || status == GuestStatus.COMPRESSED) {
                stored[0] += entry.length();
            }
        });
        allocatedBytes.set(stored[0]);
        fileSize.set(currentFileSize);
    }

    void accept(AllocationEvent event) {
        allocatedBytes.addAndGet(event.allocated() ? event.length() : -event.length());
        fileSize.accumulateAndGet(event.fileSize(), (old, now) -> now);
    }

    public long allocatedClusters() {
        return (Math.max(0, allocatedBytes.get()) + clusterSize - 1) / clusterSize;
    }

    public long fileSize() {
        return fileSize.get();
    }

    @Override
    public void close() {
        subscription.close();
    }
}
