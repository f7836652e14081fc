package qcowdesk.engine.qcow2.format;

/** What a (sub)cluster of the guest disk is, as far as one image layer knows. */
public enum SubclusterType {
    /** Data is stored in a host cluster of this layer. */
    NORMAL,
    /** Compressed data (whole cluster). */
    COMPRESSED,
    /** Reads as zeros, no host cluster. */
    ZERO_PLAIN,
    /** Reads as zeros, a host cluster is still allocated (preallocated zero cluster). */
    ZERO_ALLOC,
    /** Not allocated here: reads from the backing file (or zeros without one). */
    UNALLOCATED_PLAIN,
    /** Not allocated here although the cluster has a host cluster (extended L2). */
    UNALLOCATED_ALLOC;

    public boolean isZero() {
        return this == ZERO_PLAIN || this == ZERO_ALLOC;
    }

    public boolean isUnallocated() {
        return this == UNALLOCATED_PLAIN || this == UNALLOCATED_ALLOC;
    }

    public boolean hasHostCluster() {
        return this == NORMAL || this == ZERO_ALLOC || this == UNALLOCATED_ALLOC;
    }
}
