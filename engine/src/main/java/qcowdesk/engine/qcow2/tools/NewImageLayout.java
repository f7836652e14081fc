package qcowdesk.engine.qcow2.tools;

import qcowdesk.engine.qcow2.format.RefcountBlockCodec;
import qcowdesk.engine.qcow2.format.RefcountStructure;

/**
 * Where the metadata of a freshly created image goes, in QEMU's order: header (cluster 0), refcount table,
 * refcount blocks, L1 table. The refcount structures must also count themselves, so their size is found by
 * iterating to a fixed point.
 */
record NewImageLayout(int clusterSize, long refcountTableOffset, long refcountTableClusters,
                      long refcountBlocksOffset, long refcountBlocks, long l1Offset, long l1Entries,
                      long l1Clusters) {

    static NewImageLayout plan(CreateOptions options) {
        int cs = options.clusterSize();
        long l1Entries = options.l1Entries();
        long l1Clusters = Math.max(1, CreateOptions.ceilDiv(l1Entries * 8, cs));
        RefcountStructure refcounts = RefcountStructure.sizedFor(1 + l1Clusters,
                new RefcountBlockCodec(options.refcountOrder()), cs);
        long blocks = refcounts.blocks();
        long tableClusters = refcounts.tableClusters();
        long table = cs;
        long blocksAt = table + tableClusters * cs;
        long l1 = blocksAt + blocks * cs;
        return new NewImageLayout(cs, table, tableClusters, blocksAt, blocks, l1, l1Entries, l1Clusters);
    }

    /** The refcount blocks and table, as the format codes them. */
    RefcountStructure refcounts(RefcountBlockCodec codec) {
        return new RefcountStructure(codec, clusterSize, refcountBlocks, refcountTableClusters);
    }

    /** Clusters in use by the new image, all with refcount 1. */
    long totalClusters() {
        return 1 + refcountTableClusters + refcountBlocks + l1Clusters;
    }

    long fileSize() {
        return totalClusters() * clusterSize;
    }
}
