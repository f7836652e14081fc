package qcowdesk.app.hex;

import java.util.concurrent.atomic.AtomicBoolean;

import qcowdesk.engine.AllocationEvent;
import qcowdesk.engine.VirtualDisk;

/**
 * Notices when clients change where the shown sector's clusters are stored (an allocation event touching
 * them), so the view can read the sector again. Events arrive on the writers' threads and only set a flag;
 * the view polls it on a timer, so a burst of writes costs one re-read. No FX types, so it tests without a
 * screen.
 */
public final class LiveSector implements AutoCloseable {

    private final long clusterSize;
    private final AtomicBoolean stale = new AtomicBoolean();
    private final VirtualDisk.Subscription subscription;
    /** Guest range of the watched clusters; one volatile pair is enough since a stale flag only adds a re-read. */
    private volatile long start;
    private volatile long end;

    public LiveSector(VirtualDisk disk) {
        this.clusterSize = disk.clusterSize();
        this.subscription = disk.onAllocation(this::mark);
    }

    /** Watches the clusters that hold {@code [offset, offset + length)}. */
    public void watch(long offset, int length) {
        end = (offset + length + clusterSize - 1) / clusterSize * clusterSize;
        start = offset / clusterSize * clusterSize;
    }

    /** True once after the watched clusters changed; clears the flag. */
    public boolean takeStale() {
        return stale.getAndSet(false);
    }

    /** Keeps a change for the next poll (e.g. while a read is still running). */
    public void markStale() {
        stale.set(true);
    }

    private void mark(AllocationEvent event) {
        if (event.guestOffset() < end && start < event.guestOffset() + event.length()) {
            stale.set(true);
        }
    }

    @Override
    public void close() {
        subscription.close();
    }
}
