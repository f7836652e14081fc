package qcowdesk.engine.qcow2.tools;

import qcowdesk.engine.qcow2.format.RefcountBlockCodec;
import qcowdesk.engine.qcow2.FileIo;
import qcowdesk.engine.qcow2.format.Qcow2Header;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * The on-disk refcounts of an image, read one refcount block at a time (the last block read is kept, so a
 * sequential scan reads each block once). Clusters without a usable refcount block have refcount 0.
 */
final class RefcountReader {

    private static final MetadataVisitor SILENT = (offset, length, kind) -> { };

    private final FileChannel file;
    private final MetadataWalker walker;
    private final long[] reftable;
    private final RefcountBlockCodec codec;
    private final long perBlock;
    private final int clusterSize;
    private final ByteBuffer block;
    private int cachedIndex = -1;

    RefcountReader(FileChannel file, Qcow2Header header, MetadataWalker walker) throws IOException {
        this.file = file;
        this.walker = walker;
        this.reftable = walker.refcountTable();
        this.codec = new RefcountBlockCodec(header.refcountOrder());
        this.clusterSize = header.clusterSize();
        this.perBlock = codec.entriesPerBlock(clusterSize);
        this.block = ByteBuffer.allocate(clusterSize);
    }

    RefcountBlockCodec codec() {
        return codec;
    }

    long entriesPerBlock() {
        return perBlock;
    }

    int blockCount() {
        return reftable.length;
    }

    /** Host offset of refcount block {@code index}, or 0 when it has none or it is unusable. */
    long blockOffset(long index) {
        return index < reftable.length ? walker.refcountBlockOffset(reftable[(int) index], (int) index, SILENT) : 0;
    }

    long get(long cluster) throws IOException {
        long index = cluster / perBlock;
        ByteBuffer b = block(index);
        return b == null ? 0 : codec.get(b, (int) (cluster % perBlock));
    }

    /** Refcount block {@code index} (shared buffer, valid until the next call), or null when it has none. */
    ByteBuffer block(long index) throws IOException {
        long offset = blockOffset(index);
        if (offset == 0) {
            return null;
        }
        if (cachedIndex != index) {
            block.clear();
            FileIo.read(file, block, offset);
            cachedIndex = (int) index;
        }
        return block;
    }

    /** Writes the (modified) block {@code index} back and keeps it as the cached copy. */
    void writeBlock(long index, ByteBuffer contents) throws IOException {
        FileIo.writeFully(file, contents.duplicate().clear(), blockOffset(index));
        if (contents != block) {
            cachedIndex = -1;
        }
    }
}
