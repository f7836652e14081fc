package qcowdesk.engine.qcow2.tools;

import qcowdesk.engine.qcow2.BitmapDirectoryReader;
import qcowdesk.engine.qcow2.SnapshotTableReader;
import qcowdesk.engine.qcow2.format.Qcow2Header;
import qcowdesk.engine.qcow2.format.L2Entry;
import qcowdesk.engine.qcow2.format.RefcountTableEntry;
import qcowdesk.engine.qcow2.format.SnapshotTable;
import qcowdesk.engine.qcow2.FileIo;
import qcowdesk.engine.qcow2.format.BitmapDirectory;
import qcowdesk.engine.qcow2.format.EntryClassifier;
import qcowdesk.engine.qcow2.format.L1Entry;

import qcowdesk.engine.EngineException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * Follows every metadata structure of an image and reports each host range it references, the way
 * {@code qemu-img check} builds its reference counts: header, active L1 and L2 tables with their data clusters,
 * internal snapshots (table, L1 and L2 tables), refcount table and blocks, and persistent bitmaps.
 *
 * <p>Memory stays bounded: the L1 and refcount tables are limited by header validation (32 MiB and 8 MiB), L2
 * tables and bitmap tables are read one cluster at a time, and the bitmap directory is capped.
 */
final class MetadataWalker {

    private final FileChannel file;
    private final Qcow2Header header;
    private final long fileSize;
    private final int clusterSize;
    private final ProgressListener progress;
    private final EntryClassifier classifier;

    MetadataWalker(FileChannel file, Qcow2Header header, ProgressListener progress) throws IOException {
        this.file = file;
        this.header = header;
        this.fileSize = file.size();
        this.clusterSize = header.clusterSize();
        this.progress = progress;
        this.classifier = EntryClassifier.of(header);
    }

    long fileSize() {
        return fileSize;
    }

    /** Reports everything the image references to {@code visitor}. */
    void walk(MetadataVisitor visitor) throws IOException {
        visitor.referenced(0, clusterSize, HostClusterKind.HEADER);
        walkL1(header.l1TableOffset(), Integer.toUnsignedLong(header.l1Size()), true, visitor);
        walkSnapshots(visitor);
        long reftableBytes = Integer.toUnsignedLong(header.refcountTableClusters()) * clusterSize;
        visitor.referenced(header.refcountTableOffset(), reftableBytes, HostClusterKind.REFCOUNT_TABLE);
        walkBitmaps(visitor);
        long[] reftable = refcountTable();
        for (int i = 0; i < reftable.length; i++) {
            long offset = refcountBlockOffset(reftable[i], i, visitor);
            if (offset > 0) {
                visitor.referenced(offset, clusterSize, HostClusterKind.REFCOUNT_BLOCK);
            }
        }
    }

    /** The refcount table's raw entries (its size was bounded when the header was validated). */
    long[] refcountTable() throws IOException {
        int clusters = header.refcountTableClusters();
        ByteBuffer buf = FileIo.read(file, ByteBuffer.allocate(clusters * clusterSize), header.refcountTableOffset());
        long[] entries = new long[clusters * clusterSize / RefcountTableEntry.ENCODED_LENGTH];
        buf.asLongBuffer().get(entries);
        return entries;
    }

    /**
     * The offset of refcount block {@code index} from its table entry, or 0 when it has none or it is unusable
     * (reserved bits, misaligned, outside the file; each reported as a corruption).
     */
    long refcountBlockOffset(long entry, int index, MetadataVisitor visitor) {
        if (RefcountTableEntry.reservedBits(entry) != 0) {
            visitor.corruption("refcount table entry " + index + " has reserved bits set");
            return 0;
        }
        long offset = RefcountTableEntry.offset(entry);
        if ((offset & (clusterSize - 1)) != 0) {
            visitor.corruption("refcount block " + index + " is not cluster aligned");
            return 0;
        }
        // Bit 63 belongs to the offset field: such an offset is negative as a long, and past any file.
        if (offset < 0 || offset != 0 && offset >= roundUpToCluster(fileSize)) {
            visitor.corruption("refcount block " + index + " is outside the image (offset 0x"
                    + Long.toHexString(offset) + ")");
            return 0;
        }
        return offset;
    }

    private long roundUpToCluster(long bytes) {
        return (bytes + clusterSize - 1) & -clusterSize;
    }

    private void walkL1(long l1Offset, long l1Size, boolean active, MetadataVisitor visitor) throws IOException {
        if (l1Size == 0) {
            return;
        }
        visitor.referenced(l1Offset, l1Size * L1Entry.ENCODED_LENGTH, HostClusterKind.L1_TABLE);
        ByteBuffer l1 = FileIo.read(file, ByteBuffer.allocate((int) (l1Size * L1Entry.ENCODED_LENGTH)), l1Offset);
        ByteBuffer l2 = ByteBuffer.allocate(clusterSize);
        String phase = active ? "reading L2 tables" : "reading snapshot L2 tables";
        for (int i = 0; i < l1Size; i++) {
            long entry = l1.getLong(i * L1Entry.ENCODED_LENGTH);
            if (entry == 0) {
                continue;
            }
            if (L1Entry.reservedBits(entry) != 0) {
                visitor.corruption("L1 entry " + i + " has reserved bits set: 0x" + Long.toHexString(entry));
            }
            long l2Offset = L1Entry.offset(entry);
            visitor.referenced(l2Offset, clusterSize, HostClusterKind.L2_TABLE);
            if ((l2Offset & (clusterSize - 1)) != 0) {
                visitor.corruption("L2 table offset 0x" + Long.toHexString(l2Offset) + " is not cluster aligned");
            }
            if (active) {
                visitor.activeL1Entry(i, entry);
            }
            l2.clear();
            walkL2(FileIo.read(file, l2, l2Offset), l2Offset, active, visitor);
            if ((i & 63) == 0) {
                progress.onProgress(phase, i, l1Size);
            }
        }
        progress.onProgress(phase, l1Size, l1Size);
    }

    private void walkL2(ByteBuffer table, long tableOffset, boolean active, MetadataVisitor visitor)
            throws IOException {
        boolean extended = header.hasExtendedL2();
        boolean dataFile = header.hasExternalDataFile();
        int entrySize = header.l2EntrySize();
        int entries = clusterSize / entrySize;
        int clusterBits = header.clusterBits();
        for (int i = 0; i < entries; i++) {
            long entry = table.getLong(i * entrySize);
            long bitmap = extended ? table.getLong(i * entrySize + L2Entry.ENCODED_LENGTH) : 0;
            if (L2Entry.isCompressed(entry)) {
                if (L2Entry.isCopied(entry)) {
                    visitor.corruption("compressed cluster with the COPIED flag: 0x" + Long.toHexString(entry));
                }
                String violation = classifier.firstViolation(entry, bitmap);
                if (violation != null) {
                    visitor.corruption(violation);
                    continue;
                }
                if (bitmap != 0) {
                    visitor.corruption("compressed cluster with a subcluster bitmap");
                    continue;
                }
                long offset = L2Entry.compressedOffset(entry, clusterBits);
                visitor.referenced(offset, L2Entry.compressedLength(entry, clusterBits),
                        HostClusterKind.COMPRESSED_DATA);
                if (active) {
                    visitor.guestCluster(tableOffset, offset, true);
                }
                continue;
            }
            if (L2Entry.reservedBits(entry) != 0) {
                visitor.corruption("L2 entry with reserved bits set: 0x" + Long.toHexString(entry));
            }
            long offset = L2Entry.offset(entry);
            String violation = classifier.firstViolation(entry, bitmap);
            if (violation != null) {
                visitor.corruption("L2 entry 0x" + Long.toHexString(entry) + " at index " + i + " of the L2 table at 0x"
                        + Long.toHexString(tableOffset) + ": " + violation);
            }
            if (!L2Entry.hasHostCluster(entry, dataFile)) {
                continue;
            }
            if (active) {
                visitor.guestCluster(tableOffset, offset, false);
                visitor.activeL2Entry(tableOffset, i, entry);
            }
            if (!dataFile) {
                visitor.referenced(offset, clusterSize, HostClusterKind.DATA);
            }
        }
    }

    private void walkSnapshots(MetadataVisitor visitor) throws IOException {
        if (header.nbSnapshots() == 0) {
            return;
        }
        SnapshotTableReader.Contents table;
        try {
            table = SnapshotTableReader.read(file, header);
        } catch (EngineException e) {
            visitor.corruption(e.getMessage());
            return;
        }
        visitor.referenced(header.snapshotsOffset(), table.bytes(), HostClusterKind.SNAPSHOT_TABLE);
        for (SnapshotTable.Snapshot s : table.entries()) {
            long l1Offset = s.l1TableOffset();
            long l1Bytes = s.l1Size() * L1Entry.ENCODED_LENGTH;
            if (l1Bytes > Qcow2Header.MAX_L1_BYTES || (l1Offset & (clusterSize - 1)) != 0
                    || l1Offset < 0 || l1Offset + l1Bytes > fileSize) {
                visitor.corruption("snapshot " + s.id() + " has an invalid L1 table (offset 0x"
                        + Long.toHexString(l1Offset) + ", " + s.l1Size() + " entries)");
                continue;
            }
            walkL1(l1Offset, s.l1Size(), false, visitor);
        }
    }

    private void walkBitmaps(MetadataVisitor visitor) throws IOException {
        BitmapDirectoryReader.Contents bitmaps;
        try {
            bitmaps = BitmapDirectoryReader.read(file, header);
        } catch (EngineException e) {
            visitor.corruption(e.getMessage());
            return;
        }
        if (bitmaps.directorySize() > 0) {
            visitor.referenced(bitmaps.directoryOffset(), bitmaps.directorySize(), HostClusterKind.BITMAP);
        }
        ByteBuffer chunk = ByteBuffer.allocate(clusterSize);
        for (BitmapDirectory.Entry bitmap : bitmaps.entries()) {
            long tableOffset = bitmap.tableOffset();
            long tableSize = bitmap.tableSize();
            if (tableOffset < 0 || tableOffset + tableSize * 8 > fileSize || (tableOffset & (clusterSize - 1)) != 0) {
                visitor.corruption("bitmap '" + bitmap.name() + "' has its table out of range");
                continue;
            }
            visitor.referenced(tableOffset, tableSize * 8, HostClusterKind.BITMAP);
            for (long done = 0; done < tableSize; done += clusterSize / 8) {
                chunk.clear().limit((int) Math.min(clusterSize, (tableSize - done) * 8));
                FileIo.read(file, chunk, tableOffset + done * 8);
                while (chunk.hasRemaining()) {
                    long offset = chunk.getLong() & BitmapDirectory.TABLE_ENTRY_OFFSET_MASK;
                    if (offset != 0) {
                        visitor.referenced(offset, clusterSize, HostClusterKind.BITMAP);
                    }
                }
            }
        }
    }
}
