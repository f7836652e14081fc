package qcowdesk.engine.qcow2;

import java.util.concurrent.atomic.AtomicInteger;

/** A metadata cluster held in a {@link ClusterCache}: an L2 table or a refcount block. */
abstract class CachedCluster {

    final long offset;
    private volatile boolean dirty;
    /** The owning cache's count of dirty entries, so that asking for it costs nothing. */
    private AtomicInteger dirtyCount;

    CachedCluster(long offset) {
        this.offset = offset;
    }

    synchronized void attach(AtomicInteger counter) {
        if (dirtyCount == null) {
            dirtyCount = counter;
            if (dirty) {
                counter.incrementAndGet();
            }
        }
    }

    long offset() {
        return offset;
    }

    boolean isDirty() {
        return dirty;
    }

    synchronized void markDirty() {
        if (!dirty && dirtyCount != null) {
            dirtyCount.incrementAndGet();
        }
        dirty = true;
    }

    synchronized void markClean() {
        if (dirty && dirtyCount != null) {
            dirtyCount.decrementAndGet();
        }
        dirty = false;
    }

    /** The cluster's on-disk bytes. */
    abstract byte[] encode();
}
