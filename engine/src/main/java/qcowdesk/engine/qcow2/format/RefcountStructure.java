package qcowdesk.engine.qcow2.format;

import java.nio.ByteBuffer;
import java.util.function.LongUnaryOperator;

/**
 * A whole refcount structure written in one piece: {@code blocks} refcount blocks back to back, counting the
 * clusters of the file from cluster 0, and a refcount table of {@code tableClusters} clusters that points at them
 * in order. Three writers make one — a new image (the creator), an image written front to back (convert,
 * compact) and a refcount rebuild (repair, dirty images) — and this is where its size and its bytes are coded.
 *
 * <p>The structure counts its own clusters too, so its size is a fixed point: see {@link #sizedFor}.
 */
public record RefcountStructure(RefcountBlockCodec codec, int clusterSize, long blocks, long tableClusters) {

    /**
     * The smallest structure that counts {@code clustersBefore} clusters (everything in the file before it) and
     * itself, placed right after them.
     */
    public static RefcountStructure sizedFor(long clustersBefore, RefcountBlockCodec codec, int clusterSize) {
        long perBlock = codec.entriesPerBlock(clusterSize);
        long perTableCluster = clusterSize / RefcountTableEntry.ENCODED_LENGTH;
        long blocks = 1;
        long table = 1;
        while (true) {
            long total = clustersBefore + blocks + table;
            long needBlocks = Qcow2Header.ceilDiv(total, perBlock);
            long needTable = Qcow2Header.ceilDiv(needBlocks, perTableCluster);
            if (needBlocks <= blocks && needTable <= table) {
                return new RefcountStructure(codec, clusterSize, blocks, table);
            }
            blocks = Math.max(blocks, needBlocks);
            table = Math.max(table, needTable);
        }
    }

    /** Clusters the structure itself takes: its blocks and its table. */
    public long clusters() {
        return blocks + tableClusters;
    }

    public long entriesPerBlock() {
        return codec.entriesPerBlock(clusterSize);
    }

    /**
     * Refcount block {@code b}: for every cluster it covers below {@code totalClusters}, the count
     * {@code countOf} gives; zero (free) past it.
     */
    public ByteBuffer block(long b, long totalClusters, LongUnaryOperator countOf) {
        ByteBuffer block = ByteBuffer.allocate(clusterSize);
        long perBlock = entriesPerBlock();
        long first = b * perBlock;
        for (long c = first; c < Math.min(totalClusters, first + perBlock); c++) {
            codec.set(block, (int) (c - first), countOf.applyAsLong(c));
        }
        return block;
    }

    /** Cluster {@code t} of the refcount table, when the blocks lie back to back from {@code blocksOffset}. */
    public ByteBuffer tableCluster(long t, long blocksOffset) {
        ByteBuffer table = ByteBuffer.allocate(clusterSize);
        long perTableCluster = clusterSize / RefcountTableEntry.ENCODED_LENGTH;
        for (long i = 0; i < perTableCluster; i++) {
            long b = t * perTableCluster + i;
            table.putLong(b < blocks ? blocksOffset + b * clusterSize : 0);
        }
        return table.flip();
    }
}
