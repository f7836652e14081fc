package qcowdesk.engine.qcow2.tools;

/** What a cluster of the image file holds. */
public enum HostClusterKind {
    HEADER,
    L1_TABLE,
    L2_TABLE,
    REFCOUNT_TABLE,
    REFCOUNT_BLOCK,
    /** Guest data (also preallocated zero clusters and extended-L2 clusters with unallocated subclusters). */
    DATA,
    COMPRESSED_DATA,
    /** Internal snapshot table. */
    SNAPSHOT_TABLE,
    /** Persistent dirty bitmaps: directory, bitmap tables and bitmap data. */
    BITMAP,
    /** Refcount 0 and unreferenced: reusable space. */
    FREE,
    /** Refcount above 0 but referenced by nothing: space lost until a leak repair. */
    LEAKED
}
