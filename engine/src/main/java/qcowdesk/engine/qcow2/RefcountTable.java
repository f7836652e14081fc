package qcowdesk.engine.qcow2;

import qcowdesk.engine.qcow2.format.RefcountTableEntry;
import qcowdesk.engine.qcow2.format.RefcountBlockCodec;
import qcowdesk.engine.qcow2.format.Qcow2Header;

import qcowdesk.engine.EngineException;
import qcowdesk.engine.ErrorCode;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The refcount table (in memory, bounded by {@link Qcow2Header#MAX_REFTABLE_BYTES}) and a bounded cache of
 * refcount blocks. Changes to refcounts stay in the cache until the metadata store writes the dirty blocks; this
 * class reads the file, never writes it.
 */
final class RefcountTable {

    private final ImageFile file;
    private final int clusterBits;
    private final RefcountBlockCodec codec;
    private final int blockShift;
    private long tableOffset;
    private long[] entries;
    private final ClusterCache<RefcountBlock> blocks;

    private RefcountTable(ImageFile file, Qcow2Header header, long[] entries, int cacheBlocks) {
        this.file = file;
        this.clusterBits = header.clusterBits();
        this.codec = new RefcountBlockCodec(header.refcountOrder());
        this.blockShift = clusterBits + 3 - header.refcountOrder();
        this.tableOffset = header.refcountTableOffset();
        this.entries = entries;
        this.blocks = new ClusterCache<>(cacheBlocks, this::loadBlock);
    }

    static RefcountTable load(ImageFile file, Qcow2Header header) throws IOException {
        return load(file, header, 16);
    }

    static RefcountTable load(ImageFile file, Qcow2Header header, int cacheBlocks) throws IOException {
        int n = (int) (((long) header.refcountTableClusters() << header.clusterBits())
                / RefcountTableEntry.ENCODED_LENGTH);
        long[] entries = new long[n];
        ByteBuffer.wrap(file.read(header.refcountTableOffset(), n * RefcountTableEntry.ENCODED_LENGTH))
                .asLongBuffer().get(entries);
        for (int i = 0; i < n; i++) {
            entries[i] = RefcountTableEntry.offset(entries[i]);
        }
        return new RefcountTable(file, header, entries, cacheBlocks);
    }

    /** log2 of the number of clusters one refcount block covers. */
    int blockShift() {
        return blockShift;
    }

    long tableOffset() {
        return tableOffset;
    }

    int tableEntries() {
        return entries.length;
    }

    long blockOffset(long blockIndex) {
        return blockIndex < entries.length ? entries[(int) blockIndex] : 0;
    }

    long[] entriesCopy() {
        return entries.clone();
    }

    /** Refcount of host cluster {@code cluster}; 0 when no refcount block covers it. */
    long get(long cluster) throws IOException {
        long b = cluster >>> blockShift;
        long offset = blockOffset(b);
        if (offset == 0) {
            return 0;
        }
        return blocks.get(offset).get(cluster & ((1L << blockShift) - 1));
    }

    /** Sets a refcount in the cache; the covering block must exist. */
    void set(long cluster, long value) throws IOException {
        if (value < 0 || value > codec.max()) {
            throw new EngineException(ErrorCode.INVALID_IMAGE, String.format(
                    "refcount of host cluster %d would overflow (%d-bit refcounts)", cluster, codec.bits()));
        }
        long offset = blockOffset(cluster >>> blockShift);
        if (offset == 0) {
            throw new IllegalStateException("no refcount block for cluster " + cluster);
        }
        blocks.get(offset).set(cluster & ((1L << blockShift) - 1), value);
    }

    /** Host offset of table entry {@code blockIndex}. */
    long entryOffset(long blockIndex) {
        return tableOffset + blockIndex * RefcountTableEntry.ENCODED_LENGTH;
    }

    /** Installs a new block whose table entry the store has written. */
    void installBlock(long blockIndex, RefcountBlock block) {
        entries[(int) blockIndex] = block.offset();
        blocks.put(block);
    }

    /** Switches to a new table (already written and referenced by the header on disk). */
    void replaceTable(long newOffset, long[] newEntries) {
        tableOffset = newOffset;
        entries = newEntries;
    }

    RefcountBlock newBlock(long offset) {
        return new RefcountBlock(offset, new byte[1 << clusterBits], codec);
    }

    int dirtyBlocks() {
        return blocks.dirtyCount();
    }

    int cacheCapacity() {
        return blocks.capacity();
    }

    /** The blocks changed in the cache and not yet written. */
    java.util.List<RefcountBlock> dirty() {
        return blocks.dirty();
    }

    /** Drops clean blocks beyond the cache's capacity (after the store wrote the dirty ones). */
    void trim() {
        blocks.trim();
    }

    private RefcountBlock loadBlock(long offset) throws IOException {
        if ((offset & ((1L << clusterBits) - 1)) != 0) {
            throw new EngineException(ErrorCode.INVALID_IMAGE,
                    String.format("refcount block offset 0x%x is not aligned to the cluster size", offset));
        }
        if (offset + (1L << clusterBits) > file.size()) {
            throw new EngineException(ErrorCode.INVALID_IMAGE, String.format(
                    "refcount block offset 0x%x is past the end of the file (%d bytes)", offset, file.size()));
        }
        return new RefcountBlock(offset, file.read(offset, 1 << clusterBits), codec);
    }
}
