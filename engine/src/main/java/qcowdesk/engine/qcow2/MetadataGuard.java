package qcowdesk.engine.qcow2;

import qcowdesk.engine.qcow2.format.L1Entry;
import qcowdesk.engine.qcow2.format.Qcow2Header;

import qcowdesk.engine.EngineException;
import qcowdesk.engine.ErrorCode;

/**
 * The overlap check: knows every metadata cluster of a writable image (header, L1 table, refcount table, L2 tables,
 * refcount blocks, and the ones {@link MetadataRegions} reads: snapshot table, snapshots' L1 and L2 tables, bitmap
 * directory, bitmap tables and bitmap data) and refuses any write that would land on one it is not meant for. A
 * refusal means the image's refcounts are wrong; writing on regardless would destroy metadata (QEMU: "Preventing
 * invalid write on metadata", which by default does not watch snapshots' L2 tables, nor bitmap tables: we do). At
 * open, {@link #validate} checks the regions against each other and against the end of the file, so that a crafted
 * image never gets as far as a write.
 */
final class MetadataGuard {

    /** The kinds of metadata cluster, each with the words a refusal uses. */
    enum Kind {
        HEADER("the header"), L1_TABLE("the L1 table"), REFCOUNT_TABLE("the refcount table"),
        L2_TABLE("an L2 table"), REFCOUNT_BLOCK("a refcount block"), SNAPSHOT_TABLE("the snapshot table"),
        SNAPSHOT_L1_TABLE("the L1 table of an internal snapshot"),
        SNAPSHOT_L2_TABLE("an L2 table of an internal snapshot"), BITMAP_DIRECTORY("the bitmap directory"),
        BITMAP_TABLE("a bitmap table"), BITMAP_DATA("a bitmap's data cluster");

        private final String words;

        Kind(String words) {
            this.words = words;
        }

        String words() {
            return words;
        }

        /** Kinds held as sets of clusters (the others are the header and the two tables the header locates). */
        boolean isClusterSet() {
            return ordinal() >= L2_TABLE.ordinal();
        }
    }

    private static final Kind[] KINDS = Kind.values();

    private final int clusterBits;
    private final long l1Start;
    private final long l1End;
    private long refTableStart;
    private long refTableEnd;
    /** The clusters of each set kind, by host offset, indexed by the kind's ordinal (null for the other kinds). */
    private final LongSet[] clusters = new LongSet[KINDS.length];
    /**
     * Every cluster of every set kind: a guest data write (every WRITE of a client) asks this one set whether its
     * cluster is metadata, and looks at the kinds only when it is (that is, almost never).
     */
    private final LongSet anyClusterSet = new LongSet();

    MetadataGuard(Qcow2Header header) {
        this.clusterBits = header.clusterBits();
        this.l1Start = header.l1TableOffset();
        this.l1End = header.l1TableOffset() + (long) header.l1Size() * L1Entry.ENCODED_LENGTH;
        setRefcountTable(header.refcountTableOffset(), header.refcountTableClusters());
        for (Kind kind : KINDS) {
            if (kind.isClusterSet()) {
                clusters[kind.ordinal()] = new LongSet();
            }
        }
    }

    void setRefcountTable(long offset, int clusters) {
        refTableStart = offset;
        refTableEnd = offset + ((long) clusters << clusterBits);
    }

    void addL2Table(long offset) {
        add(Kind.L2_TABLE, offset, 1);
    }

    void addRefcountBlock(long offset) {
        add(Kind.REFCOUNT_BLOCK, offset, 1);
    }

    /** Records every cluster that {@code [offset, offset+length)} touches as metadata of {@code kind}. */
    void add(Kind kind, long offset, long length) {
        LongSet set = clusters[kind.ordinal()];
        for (long c = offset >>> clusterBits; c <= (offset + Math.max(length, 1) - 1) >>> clusterBits; c++) {
            set.add(c << clusterBits);
            anyClusterSet.add(c << clusterBits);
        }
    }

    /** Whether any cluster of {@code [offset, offset+length)} is already recorded as {@code kind}. */
    boolean touches(Kind kind, long offset, long length) {
        LongSet set = clusters[kind.ordinal()];
        for (long c = offset >>> clusterBits; c <= (offset + Math.max(length, 1) - 1) >>> clusterBits; c++) {
            if (set.contains(c << clusterBits)) {
                return true;
            }
        }
        return false;
    }

    /** How many clusters of {@code kind} are recorded. */
    int count(Kind kind) {
        return clusters[kind.ordinal()].size();
    }

    /** What metadata occupies the host cluster with this index, or null. */
    String metadataAt(long cluster) {
        Kind kind = otherMetadataAt(cluster, null, null);
        return kind == null ? null : kind.words;
    }

    /**
     * What metadata other than {@code self} (and {@code alsoAllowed}) occupies the host cluster with this index, or
     * null. A cluster set may hold a cluster twice in its own set (internal snapshots share L2 tables).
     */
    private Kind otherMetadataAt(long cluster, Kind self, Kind alsoAllowed) {
        long start = cluster << clusterBits;
        long end = start + (1L << clusterBits);
        if (cluster == 0 && self != Kind.HEADER) {
            return Kind.HEADER;
        }
        if (start < l1End && end > l1Start && self != Kind.L1_TABLE) {
            return Kind.L1_TABLE;
        }
        if (start < refTableEnd && end > refTableStart && self != Kind.REFCOUNT_TABLE) {
            return Kind.REFCOUNT_TABLE;
        }
        if (!anyClusterSet.contains(start)) {
            return null;
        }
        for (Kind kind : KINDS) {
            LongSet set = clusters[kind.ordinal()];
            if (set != null && kind != self && kind != alsoAllowed && set.contains(start)) {
                return kind;
            }
        }
        return null;
    }

    boolean isMetadata(long cluster) {
        return metadataAt(cluster) != null;
    }

    /**
     * Checks the regions against each other and the file's end: the L1 and refcount tables overlap neither the
     * header nor each other nor any other metadata, and every cluster of every other kind lies inside the file on a
     * cluster of its own kind (an L2 table may be shared with internal snapshots: that is how they work). A crafted
     * image that fails this would have writes land on metadata.
     */
    void validate(long fileSize) throws EngineException {
        long fileEnd = ((fileSize + (1L << clusterBits) - 1) >>> clusterBits) << clusterBits;
        if (l1Start < (1L << clusterBits) && l1End > l1Start) {
            throw corrupt("the L1 table at 0x%x overlaps the header", l1Start);
        }
        if (refTableStart < (1L << clusterBits)) {
            throw corrupt("the refcount table at 0x%x overlaps the header", refTableStart);
        }
        if (refTableStart < l1End && refTableEnd > l1Start) {
            throw corrupt("the refcount table at 0x%x overlaps the L1 table at 0x%x", refTableStart, l1Start);
        }
        if (refTableEnd > fileEnd) {
            throw corrupt("the refcount table at 0x%x is past the end of the file (%d bytes)", refTableStart, fileSize);
        }
        for (Kind kind : KINDS) {
            if (kind.isClusterSet()) {
                for (long offset : clusters[kind.ordinal()].toArray()) {
                    requireFree(kind, offset, 1, fileSize);
                }
            }
        }
    }

    /**
     * Refuses (as corrupt) a region of {@code kind} that reaches past the end of the file or shares a cluster with
     * metadata of another kind. An L2 table may be shared with internal snapshots: that is how they work.
     */
    void requireFree(Kind kind, long offset, long length, long fileSize) throws EngineException {
        long fileEnd = ((fileSize + (1L << clusterBits) - 1) >>> clusterBits) << clusterBits;
        Kind shared = kind == Kind.L2_TABLE ? Kind.SNAPSHOT_L2_TABLE
                : kind == Kind.SNAPSHOT_L2_TABLE ? Kind.L2_TABLE : null;
        for (long c = offset >>> clusterBits; c <= (offset + Math.max(length, 1) - 1) >>> clusterBits; c++) {
            if ((c + 1) << clusterBits > fileEnd) {
                throw corrupt(kind.words + " at 0x%x is past the end of the file (%d bytes)", offset, fileSize);
            }
            Kind other = otherMetadataAt(c, kind, shared);
            if (other != null) {
                throw corrupt(kind.words + " at 0x%x overlaps " + other.words, offset);
            }
        }
    }

    /** Refuses a guest data write at {@code [offset, offset+length)} that touches metadata. */
    void checkData(long offset, long length) throws EngineException {
        for (long c = offset >>> clusterBits; c <= (offset + length - 1) >>> clusterBits; c++) {
            String what = metadataAt(c);
            if (what != null) {
                throw overlap("guest data", offset, what);
            }
        }
    }

    /**
     * Refuses writing an L2 table or refcount block at {@code offset} when that cluster also holds metadata of any
     * other kind (being a known L2 table does not make a cluster that is also the refcount table writable, and an
     * L2 table that a snapshot still uses is copied before it changes, never written in place).
     */
    void checkMetadata(String kind, long offset, boolean isL2) throws EngineException {
        Kind what = otherMetadataAt(offset >>> clusterBits, isL2 ? Kind.L2_TABLE : Kind.REFCOUNT_BLOCK, null);
        if (what != null) {
            throw overlap(kind, offset, what.words);
        }
    }

    /** Refuses writing the new refcount table at {@code [offset, offset+length)} over any metadata. */
    void checkRefcountTable(long offset, long length) throws EngineException {
        for (long c = offset >>> clusterBits; c <= (offset + length - 1) >>> clusterBits; c++) {
            String what = metadataAt(c);
            if (what != null) {
                throw overlap("the refcount table", offset, what);
            }
        }
    }

    static EngineException corrupt(String format, Object... args) {
        return new EngineException(ErrorCode.INVALID_IMAGE, "the image is corrupt and is not opened for writing: "
                + String.format(format, args) + " (it can still be attached read-only)");
    }

    private static EngineException overlap(String kind, long offset, String what) {
        return new EngineException(ErrorCode.INVALID_IMAGE, String.format(
                "refusing to write %s at host offset 0x%x: it would overwrite %s (the refcounts are corrupt; "
                        + "run qcowctl check --repair)", kind, offset, what));
    }
}
