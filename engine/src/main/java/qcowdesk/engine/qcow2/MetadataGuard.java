package qcowdesk.engine.qcow2;

import qcowdesk.engine.qcow2.format.L1Entry;
import qcowdesk.engine.qcow2.format.Qcow2Header;

import qcowdesk.engine.EngineException;
import qcowdesk.engine.ErrorCode;

/**
 * The overlap check: knows every metadata cluster (header, L1 table, refcount table, L2 tables, refcount blocks)
 * and refuses any write that would land on one it is not meant for. A refusal means the image's refcounts are
 * wrong; writing on regardless would destroy metadata. At open, {@link #validate} checks the regions against each
 * other and against the end of the file, so that a crafted image never gets as far as a write.
 */
final class MetadataGuard {

    /** The kinds of metadata cluster, each with the words a refusal uses. */
    enum Kind {
        HEADER("the header"), L1_TABLE("the L1 table"), REFCOUNT_TABLE("the refcount table"),
        L2_TABLE("an L2 table"), REFCOUNT_BLOCK("a refcount block");

        private final String words;

        Kind(String words) {
            this.words = words;
        }
    }

    private final int clusterBits;
    private final long l1Start;
    private final long l1End;
    private long refTableStart;
    private long refTableEnd;
    private final LongSet l2Tables = new LongSet();
    private final LongSet refcountBlocks = new LongSet();

    MetadataGuard(Qcow2Header header) {
        this.clusterBits = header.clusterBits();
        this.l1Start = header.l1TableOffset();
        this.l1End = header.l1TableOffset() + (long) header.l1Size() * L1Entry.ENCODED_LENGTH;
        setRefcountTable(header.refcountTableOffset(), header.refcountTableClusters());
    }

    void setRefcountTable(long offset, int clusters) {
        refTableStart = offset;
        refTableEnd = offset + ((long) clusters << clusterBits);
    }

    void addL2Table(long offset) {
        l2Tables.add(offset);
    }

    void addRefcountBlock(long offset) {
        refcountBlocks.add(offset);
    }

    /** What metadata occupies the host cluster with this index, or null. */
    String metadataAt(long cluster) {
        return otherMetadataAt(cluster, null);
    }

    /**
     * What metadata other than {@code self} occupies the host cluster with this index, or null. An L2 table may
     * share its cluster with another L2 table (internal snapshots share tables), never with another kind.
     */
    private String otherMetadataAt(long cluster, Kind self) {
        long start = cluster << clusterBits;
        long end = start + (1L << clusterBits);
        if (cluster == 0 && self != Kind.HEADER) {
            return Kind.HEADER.words;
        }
        if (start < l1End && end > l1Start && self != Kind.L1_TABLE) {
            return Kind.L1_TABLE.words;
        }
        if (start < refTableEnd && end > refTableStart && self != Kind.REFCOUNT_TABLE) {
            return Kind.REFCOUNT_TABLE.words;
        }
        if (self != Kind.L2_TABLE && l2Tables.contains(start)) {
            return Kind.L2_TABLE.words;
        }
        if (self != Kind.REFCOUNT_BLOCK && refcountBlocks.contains(start)) {
            return Kind.REFCOUNT_BLOCK.words;
        }
        return null;
    }

    boolean isMetadata(long cluster) {
        return metadataAt(cluster) != null;
    }

    /**
     * Checks the regions against each other and the file's end: the L1 and refcount tables overlap neither the
     * header nor each other, and every L2 table and refcount block lies inside the file on a cluster of its own
     * kind. A crafted image that fails this would have writes land on metadata.
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
        for (long offset : refcountBlocks.toArray()) {
            validateRegion(Kind.REFCOUNT_BLOCK, offset, fileEnd, fileSize);
        }
        for (long offset : l2Tables.toArray()) {
            validateRegion(Kind.L2_TABLE, offset, fileEnd, fileSize);
        }
    }

    private void validateRegion(Kind kind, long offset, long fileEnd, long fileSize) throws EngineException {
        String word = kind == Kind.L2_TABLE ? "an L2 table" : "a refcount block";
        if (offset + (1L << clusterBits) > fileEnd) {
            throw corrupt(word + " at 0x%x is past the end of the file (%d bytes)", offset, fileSize);
        }
        String other = otherMetadataAt(offset >>> clusterBits, kind);
        if (other != null) {
            throw corrupt(word + " at 0x%x overlaps " + other, offset);
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
     * other kind (being a known L2 table does not make a cluster that is also the refcount table writable).
     */
    void checkMetadata(String kind, long offset, boolean isL2) throws EngineException {
        String what = otherMetadataAt(offset >>> clusterBits, isL2 ? Kind.L2_TABLE : Kind.REFCOUNT_BLOCK);
        if (what != null) {
            throw overlap(kind, offset, what);
        }
    }

    private static EngineException corrupt(String format, Object... args) {
        return new EngineException(ErrorCode.INVALID_IMAGE, "the image is corrupt and is not opened for writing: "
                + String.format(format, args) + " (it can still be attached read-only)");
    }

    private static EngineException overlap(String kind, long offset, String what) {
        return new EngineException(ErrorCode.INVALID_IMAGE, String.format(
                "refusing to write %s at host offset 0x%x: it would overwrite %s (the refcounts are corrupt; "
                        + "run qcowctl check --repair)", kind, offset, what));
    }
}
