package qcowdesk.engine.qcow2.tools;

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
        long perBlock = new RefcountCodec(options.refcountOrder()).entriesPerBlock(cs);
        long blocks = 1;
        long tableClusters = 1;
        while (true) {
            long total = 1 + tableClusters + blocks + l1Clusters;
            long needBlocks = CreateOptions.ceilDiv(total, perBlock);
            long needTable = CreateOptions.ceilDiv(needBlocks * 8, cs);
            if (needBlocks == blocks && needTable == tableClusters) {
                break;
            }
            blocks = Math.max(blocks, needBlocks);
            tableClusters = Math.max(tableClusters, needTable);
        }
        long table = cs;
        long blocksAt = table + tableClusters * cs;
        long l1 = blocksAt + blocks * cs;
        return new NewImageLayout(cs, table, tableClusters, blocksAt, blocks, l1, l1Entries, l1Clusters);
    }

    /** Clusters in use by the new image, all with refcount 1. */
    long totalClusters() {
        return 1 + refcountTableClusters + refcountBlocks + l1Clusters;
    }

    long fileSize() {
        return totalClusters() * clusterSize;
    }
}
