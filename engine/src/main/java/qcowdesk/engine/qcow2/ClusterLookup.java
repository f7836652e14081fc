package qcowdesk.engine.qcow2;

import qcowdesk.engine.qcow2.format.L1Entry;
import qcowdesk.engine.qcow2.format.EntryClassifier;
import qcowdesk.engine.qcow2.format.Qcow2Header;
import qcowdesk.engine.qcow2.format.SubclusterType;

import qcowdesk.engine.EngineException;
import qcowdesk.engine.ErrorCode;

import java.io.IOException;

/**
 * Translates guest clusters to L2 entries through the L1 table and the L2 cache, validating every table offset
 * before it is used.
 */
final class ClusterLookup {

    /** The L2 entry of one guest cluster; {@code table} is null when its L1 entry is empty. */
    record Mapping(L2Table table, int index, long entry, long bitmap) {
        static final Mapping NONE = new Mapping(null, -1, 0, 0);
    }

    private final Qcow2Header header;
    private final ImageFile file;
    private final L1Table l1;
    private final ClusterCache<L2Table> l2Cache;
    private final EntryClassifier classifier;

    ClusterLookup(Qcow2Header header, ImageFile file, L1Table l1, int l2CacheTables) {
        this.header = header;
        this.file = file;
        this.l1 = l1;
        this.l2Cache = new ClusterCache<>(l2CacheTables, this::loadL2);
        this.classifier = EntryClassifier.of(header);
    }

    L1Table l1() {
        return l1;
    }

    ClusterCache<L2Table> l2Cache() {
        return l2Cache;
    }

    int l1Index(long guestCluster) {
        return (int) (guestCluster / header.l2Entries());
    }

    int l2Index(long guestCluster) {
        return (int) (guestCluster % header.l2Entries());
    }

    /** Host offset of the L2 table for {@code l1Index}, or 0 when none; validated. */
    long l2Offset(int l1Index) throws EngineException {
        long entry = l1.entry(l1Index);
        long offset = L1Entry.offset(entry);
        if ((offset & (header.clusterSize() - 1)) != 0) {
            throw new EngineException(ErrorCode.INVALID_IMAGE,
                    String.format("L1 entry %d points to an unaligned L2 table offset 0x%x", l1Index, offset));
        }
        return offset;
    }

    Mapping lookup(long guestCluster) throws IOException {
        int l1Index = l1Index(guestCluster);
        long l2Offset = l2Offset(l1Index);
        if (l2Offset == 0) {
            return Mapping.NONE;
        }
        L2Table table = l2Cache.get(l2Offset);
        int i = l2Index(guestCluster);
        return new Mapping(table, i, table.entry(i), table.bitmap(i));
    }

    /** Reads an L2 table by offset (also for metadata walkers), through the cache. */
    L2Table table(long l2Offset) throws IOException {
        return l2Cache.get(l2Offset);
    }

    private L2Table loadL2(long offset) throws IOException {
        if (offset + header.clusterSize() > file.size()) {
            throw new EngineException(ErrorCode.INVALID_IMAGE,
                    String.format("L2 table offset 0x%x is past the end of the file (%d bytes)", offset, file.size()));
        }
        return L2Table.decode(offset, file.read(offset, header.clusterSize()), header.hasExtendedL2());
    }

    /** The type of subcluster {@code sub} (0 without extended L2) of a cluster with this entry and bitmap. */
    SubclusterType classify(long entry, long bitmap, int sub, long guestCluster) throws EngineException {
        return classifier.classify(entry, bitmap, sub).orThrow(guestCluster, entry);
    }
}
