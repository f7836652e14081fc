package qcowdesk.engine.qcow2.tools;

/**
 * How many refcount blocks and refcount table clusters it takes to count {@code clustersBefore} clusters plus the
 * refcount structures themselves, which are counted too, so the answer is a fixed point.
 */
record RefcountSizing(long blocks, long tableClusters) {

    static RefcountSizing fit(long clustersBefore, long entriesPerBlock, int clusterSize) {
        long blocks = 1;
        long table = 1;
        while (true) {
            long total = clustersBefore + blocks + table;
            long needBlocks = CreateOptions.ceilDiv(total, entriesPerBlock);
            long needTable = CreateOptions.ceilDiv(needBlocks * 8, clusterSize);
            if (needBlocks <= blocks && needTable <= table) {
                return new RefcountSizing(blocks, table);
            }
            blocks = Math.max(blocks, needBlocks);
            table = Math.max(table, needTable);
        }
    }

    long totalClusters() {
        return blocks + tableClusters;
    }
}
