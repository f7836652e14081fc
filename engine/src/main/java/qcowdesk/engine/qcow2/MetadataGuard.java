package qcowdesk.engine.qcow2;

import qcowdesk.engine.qcow2.format.L1Entry;
import qcowdesk.engine.qcow2.format.Qcow2Header;

import qcowdesk.engine.EngineException;
import qcowdesk.engine.ErrorCode;

/**
 * The overlap check: knows every metadata cluster (header, L1 table, refcount table, L2 tables, refcount blocks)
 * and refuses any write that would land on one it is not meant for. A refusal means the image's refcounts are
 * wrong; writing on regardless would destroy metadata.
 */
final class MetadataGuard {

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
        long start = cluster << clusterBits;
        long end = start + (1L << clusterBits);
        if (cluster == 0) {
            return "the header";
        }
        if (start < l1End && end > l1Start) {
            return "the L1 table";
        }
        if (start < refTableEnd && end > refTableStart) {
            return "the refcount table";
        }
        if (l2Tables.contains(start)) {
            return "an L2 table";
        }
        if (refcountBlocks.contains(start)) {
            return "a refcount block";
        }
        return null;
    }

    boolean isMetadata(long cluster) {
        return metadataAt(cluster) != null;
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

    /** Refuses writing an L2 table or refcount block at {@code offset} unless that cluster is exactly it. */
    void checkMetadata(String kind, long offset, boolean isL2) throws EngineException {
        String what = metadataAt(offset >>> clusterBits);
        boolean self = isL2 ? l2Tables.contains(offset) : refcountBlocks.contains(offset);
        if (what != null && !self) {
            throw overlap(kind, offset, what);
        }
    }

    private static EngineException overlap(String kind, long offset, String what) {
        return new EngineException(ErrorCode.INVALID_IMAGE, String.format(
                "refusing to write %s at host offset 0x%x: it would overwrite %s (the refcounts are corrupt; "
                        + "run qcowctl check --repair)", kind, offset, what));
    }
}
