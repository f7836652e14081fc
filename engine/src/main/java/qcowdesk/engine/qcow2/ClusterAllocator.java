package qcowdesk.engine.qcow2;

import qcowdesk.engine.qcow2.format.Qcow2Header;
import qcowdesk.engine.qcow2.format.RefcountTableEntry;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds free host clusters and keeps their refcounts: a moving free-cluster index (the lowest cluster that may be
 * free) makes freed clusters reusable; refcount blocks and the refcount table grow when the file outgrows them.
 * It decides where; the metadata store writes, in its order ({@link RefcountWrites}). Runs under the image's
 * allocation lock only.
 */
final class ClusterAllocator {

    /** The writes that growing the refcount structure needs; the metadata store makes them, in its order. */
    interface RefcountWrites {
        /** Makes a new refcount block durable, then points refcount table entry {@code index} at it. */
        void installRefcountBlock(long index, RefcountBlock block) throws IOException;

        /**
         * Switches to a bigger refcount table at {@code tableOffset} with these new blocks (which count the new
         * clusters): blocks and table durable first, then the header.
         */
        void moveRefcountTable(long tableOffset, long[] table, List<RefcountBlock> newBlocks) throws IOException;

        long fileSize() throws IOException;
    }

    private final RefcountTable refcounts;
    private final MetadataGuard guard;
    private final RefcountWrites writes;
    private final int clusterBits;
    private long freeHint;
    /** One past the highest cluster handed out, which may not be written yet. */
    /** One past the highest cluster in use: the file's end at open, raised by allocations (read without the lock). */
    private volatile long endCluster;

    ClusterAllocator(RefcountTable refcounts, MetadataGuard guard, RefcountWrites writes, int clusterBits)
            throws IOException {
        this.refcounts = refcounts;
        this.guard = guard;
        this.writes = writes;
        this.clusterBits = clusterBits;
        this.endCluster = ceilClusters(writes.fileSize());
        this.freeHint = 1;
    }

    /** Where the image file ends once everything allocated so far is written: no host cluster lies beyond. */
    long endOffset() {
        return endCluster << clusterBits;
    }

    /** Allocates one cluster: its refcount becomes 1 (in the cache). Returns its host offset. */
    long allocate() throws IOException {
        long c = freeHint;
        while (true) {
            long b = c >>> refcounts.blockShift();
            if (b >= refcounts.tableEntries()) {
                growTable(b);
                continue;
            }
            if (refcounts.blockOffset(b) == 0) {
                createSelfDescribingBlock(b, c);
                c++;
                continue;
            }
            if (refcounts.get(c) == 0 && !guard.isMetadata(c)) {
                refcounts.set(c, 1);
                freeHint = c + 1;
                endCluster = Math.max(endCluster, c + 1);
                return c << clusterBits;
            }
            c++;
        }
    }

    /**
     * Allocates {@code n} clusters that follow each other (a table that must be contiguous, such as a moved L1
     * table): clusters are taken one by one until the last {@code n} taken are adjacent, and the others are given
     * back. The free hint only moves forward meanwhile, so this ends at the latest at the end of the file.
     */
    long allocateContiguous(int n) throws IOException {
        List<Long> taken = new ArrayList<>();
        long runStart = -1;
        long previous = -2;
        int run = 0;
        while (run < n) {
            long c = allocate() >>> clusterBits;
            taken.add(c);
            if (c == previous + 1) {
                run++;
            } else {
                run = 1;
                runStart = c;
            }
            previous = c;
        }
        for (long c : taken) {
            if (c < runStart || c >= runStart + n) {
                decrement(c);
            }
        }
        return runStart << clusterBits;
    }

    /** Drops one reference. Only call once no L2 entry on disk points to the cluster any more. */
    void decrement(long cluster) throws IOException {
        long rc = refcounts.get(cluster);
        if (rc == 0) {
            return; // already free: a leak-free double free would be corruption; keep the count at 0
        }
        refcounts.set(cluster, rc - 1);
        if (rc == 1 && cluster < freeHint) {
            freeHint = cluster;
        }
    }

    /**
     * A block for range {@code b} does not exist, so every cluster it covers is free: put the block into cluster
     * {@code c} itself (which it describes).
     */
    private void createSelfDescribingBlock(long b, long c) throws IOException {
        RefcountBlock block = refcounts.newBlock(c << clusterBits);
        block.set(c - (b << refcounts.blockShift()), 1);
        guard.addRefcountBlock(block.offset());
        writes.installRefcountBlock(b, block);
        endCluster = Math.max(endCluster, c + 1);
    }

    /**
     * Moves the refcount table to a bigger one at the end of the file, together with the refcount blocks that
     * the new table's own clusters need; the old table's clusters are freed once the header points to the new one.
     */
    private void growTable(long neededIndex) throws IOException {
        int entriesPerCluster = (1 << clusterBits) / RefcountTableEntry.ENCODED_LENGTH;
        long oldEntries = refcounts.tableEntries();
        long wanted = Math.max(neededIndex + 1, oldEntries + oldEntries / 2);
        long start = Math.max(endCluster, ceilClusters(writes.fileSize()));
        long tableClusters = Qcow2Header.ceilDiv(wanted, entriesPerCluster);
        List<Long> newBlocks = new ArrayList<>();
        while (true) {
            long end = start + tableClusters + newBlocks.size();
            List<Long> needed = new ArrayList<>();
            for (long b = start >>> refcounts.blockShift(); b <= (end - 1) >>> refcounts.blockShift(); b++) {
                if (refcounts.blockOffset(b) == 0) {
                    needed.add(b);
                }
            }
            long maxIndex = needed.isEmpty() ? neededIndex : Math.max(neededIndex, needed.get(needed.size() - 1));
            if (maxIndex + 1 > tableClusters * entriesPerCluster) {
                tableClusters = Qcow2Header.ceilDiv(maxIndex + 1, entriesPerCluster);
                continue;
            }
            if (needed.equals(newBlocks)) {
                break;
            }
            newBlocks = needed;
        }
        if (tableClusters << clusterBits > Qcow2Header.MAX_REFTABLE_BYTES) {
            throw Qcow2Header.unsupported("the image file is too large: its refcount table would exceed %d bytes",
                    Qcow2Header.MAX_REFTABLE_BYTES);
        }
        long end = start + tableClusters + newBlocks.size();
        long[] table = new long[(int) (tableClusters * entriesPerCluster)];
        System.arraycopy(refcounts.entriesCopy(), 0, table, 0, (int) oldEntries);
        // New blocks, each counting the new clusters (table and blocks) in its range.
        List<RefcountBlock> blocks = new ArrayList<>();
        for (int i = 0; i < newBlocks.size(); i++) {
            long b = newBlocks.get(i);
            RefcountBlock block = refcounts.newBlock((start + tableClusters + i) << clusterBits);
            for (long c = Math.max(start, b << refcounts.blockShift());
                 c < Math.min(end, (b + 1) << refcounts.blockShift()); c++) {
                block.set(c - (b << refcounts.blockShift()), 1);
            }
            guard.addRefcountBlock(block.offset());
            blocks.add(block);
            table[(int) b] = block.offset();
        }
        // Clusters of the new area that fall into ranges of existing blocks.
        for (long c = start; c < end; c++) {
            long b = c >>> refcounts.blockShift();
            if (!newBlocks.contains(b)) {
                refcounts.set(c, 1);
            }
        }
        long tableOffset = start << clusterBits;
        long oldOffset = refcounts.tableOffset();
        long oldClusters = Qcow2Header.ceilDiv(oldEntries * RefcountTableEntry.ENCODED_LENGTH, 1L << clusterBits);
        writes.moveRefcountTable(tableOffset, table, blocks);
        endCluster = end;
        for (long c = oldOffset >>> clusterBits; c < (oldOffset >>> clusterBits) + oldClusters; c++) {
            decrement(c);
        }
    }

    private long ceilClusters(long bytes) {
        return Qcow2Header.ceilDiv(bytes, 1L << clusterBits);
    }
}
