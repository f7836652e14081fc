package qcowdesk.engine.qcow2;

/** A metadata cluster held in a {@link ClusterCache}: an L2 table or a refcount block. */
abstract class CachedCluster {

    final long offset;
    private volatile boolean dirty;

    CachedCluster(long offset) {
        this.offset = offset;
    }

    long offset() {
        return offset;
    }

    boolean isDirty() {
        return dirty;
    }

    void markDirty() {
        dirty = true;
    }

    void markClean() {
        dirty = false;
    }

    /** The cluster's on-disk bytes. */
    abstract byte[] encode();
}
