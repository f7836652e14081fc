package qcowdesk.engine.qcow2.tools;

import qcowdesk.engine.qcow2.HeaderExtension;
import qcowdesk.engine.qcow2.L2Entry;
import qcowdesk.engine.qcow2.Qcow2Header;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.Optional;

/**
 * Follows every metadata structure of an image and reports each host range it references, the way
 * {@code qemu-img check} builds its reference counts: header, active L1 and L2 tables with their data clusters,
 * internal snapshots (table, L1 and L2 tables), refcount table and blocks, and persistent bitmaps.
 *
 * <p>Memory stays bounded: the L1 and refcount tables are limited by header validation (32 MiB and 8 MiB), L2
 * tables and bitmap tables are read one cluster at a time, and the bitmap directory is capped.
 */
final class MetadataWalker {

    static final long L1E_OFFSET_MASK = 0x00fffffffffffe00L;
    static final long L1E_RESERVED_MASK = 0x7f000000000001ffL;
    static final long L2E_STD_RESERVED_MASK = 0x3f000000000001feL;
    static final long REFT_OFFSET_MASK = 0xfffffffffffffe00L;
    static final long REFT_RESERVED_MASK = 0x1ffL;
    static final long BITMAP_TABLE_OFFSET_MASK = 0x00fffffffffffe00L;
    /** QEMU's limit on the bitmap directory (QCOW2_MAX_BITMAP_DIRECTORY_SIZE). */
    static final long MAX_BITMAP_DIRECTORY = 64L << 20;
    private static final int SNAPSHOT_ENTRY_FIXED = 40;

    private final FileChannel file;
    private final Qcow2Header header;
    private final long fileSize;
    private final int clusterSize;
    private final ProgressListener progress;

    MetadataWalker(FileChannel file, Qcow2Header header, ProgressListener progress) throws IOException {
        this.file = file;
        this.header = header;
        this.fileSize = file.size();
        this.clusterSize = header.clusterSize();
        this.progress = progress;
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
        long[] entries = new long[clusters * clusterSize / 8];
        buf.asLongBuffer().get(entries);
        return entries;
    }

    /**
     * The offset of refcount block {@code index} from its table entry, or 0 when it has none or it is unusable
     * (reserved bits, misaligned, outside the file; each reported as a corruption).
     */
    long refcountBlockOffset(long entry, int index, MetadataVisitor visitor) {
        if ((entry & REFT_RESERVED_MASK) != 0) {
            visitor.corruption("refcount table entry " + index + " has reserved bits set");
            return 0;
        }
        long offset = entry & REFT_OFFSET_MASK;
        if ((offset & (clusterSize - 1)) != 0) {
            visitor.corruption("refcount block " + index + " is not cluster aligned");
            return 0;
        }
        if (offset != 0 && offset >= roundUpToCluster(fileSize)) {
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
        visitor.referenced(l1Offset, l1Size * 8, HostClusterKind.L1_TABLE);
        ByteBuffer l1 = FileIo.read(file, ByteBuffer.allocate((int) (l1Size * 8)), l1Offset);
        ByteBuffer l2 = ByteBuffer.allocate(clusterSize);
        String phase = active ? "reading L2 tables" : "reading snapshot L2 tables";
        for (int i = 0; i < l1Size; i++) {
            long entry = l1.getLong(i * 8);
            if (entry == 0) {
                continue;
            }
            if ((entry & L1E_RESERVED_MASK) != 0) {
                visitor.corruption("L1 entry " + i + " has reserved bits set: 0x" + Long.toHexString(entry));
            }
            long l2Offset = entry & L1E_OFFSET_MASK;
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
        int entrySize = extended ? 16 : 8;
        int entries = clusterSize / entrySize;
        int clusterBits = header.clusterBits();
        for (int i = 0; i < entries; i++) {
            long entry = table.getLong(i * entrySize);
            long bitmap = extended ? table.getLong(i * entrySize + 8) : 0;
            if (L2Entry.isCompressed(entry)) {
                if (L2Entry.isCopied(entry)) {
                    visitor.corruption("compressed cluster with the COPIED flag: 0x" + Long.toHexString(entry));
                }
                if (dataFile) {
                    visitor.corruption("compressed cluster in an image with an external data file");
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
            if ((entry & L2E_STD_RESERVED_MASK) != 0) {
                visitor.corruption("L2 entry with reserved bits set: 0x" + Long.toHexString(entry));
            }
            long offset = entry & L1E_OFFSET_MASK;
            boolean hostCluster = offset != 0 || (dataFile && L2Entry.isCopied(entry));
            if (extended) {
                boolean allocationBits = (bitmap & 0xffffffffL) != 0;
                if (hostCluster && ((bitmap >>> 32) & bitmap) != 0) {
                    visitor.corruption("allocated cluster with a corrupt subcluster bitmap at 0x"
                            + Long.toHexString(offset));
                }
                if (!hostCluster && allocationBits) {
                    visitor.corruption("unallocated cluster with a non-zero subcluster allocation bitmap");
                }
            }
            if (!hostCluster) {
                continue;
            }
            if ((offset & (clusterSize - 1)) != 0) {
                visitor.corruption("data cluster offset 0x" + Long.toHexString(offset) + " is not cluster aligned");
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
        long count = Integer.toUnsignedLong(header.nbSnapshots());
        long at = header.snapshotsOffset();
        ByteBuffer fixed = ByteBuffer.allocate(SNAPSHOT_ENTRY_FIXED);
        for (long n = 0; n < count; n++) {
            fixed.clear();
            FileIo.read(file, fixed, at);
            long l1Offset = fixed.getLong(0);
            long l1Size = Integer.toUnsignedLong(fixed.getInt(8));
            int idSize = Short.toUnsignedInt(fixed.getShort(12));
            int nameSize = Short.toUnsignedInt(fixed.getShort(14));
            long extraSize = Integer.toUnsignedLong(fixed.getInt(36));
            long entrySize = SNAPSHOT_ENTRY_FIXED + extraSize + idSize + nameSize;
            at += (entrySize + 7) & ~7L;
            if (extraSize > 1024 || at > fileSize) {
                visitor.corruption("snapshot table entry " + n + " runs past the end of the file");
                break;
            }
            if (l1Size * 8 > Qcow2Header.MAX_L1_BYTES || (l1Offset & (clusterSize - 1)) != 0
                    || l1Offset + l1Size * 8 > fileSize) {
                visitor.corruption("snapshot " + n + " has an invalid L1 table (offset 0x"
                        + Long.toHexString(l1Offset) + ", " + l1Size + " entries)");
                continue;
            }
            walkL1(l1Offset, l1Size, false, visitor);
        }
        if (count > 0) {
            visitor.referenced(header.snapshotsOffset(), at - header.snapshotsOffset(), HostClusterKind.SNAPSHOT_TABLE);
        }
    }

    private void walkBitmaps(MetadataVisitor visitor) throws IOException {
        Optional<HeaderExtension> ext = header.extension(HeaderExtension.BITMAPS);
        if (ext.isEmpty() || (header.autoclearFeatures() & Qcow2Header.AUTOCLEAR_BITMAPS) == 0) {
            return; // without the autoclear bit the bitmaps are stale and QEMU ignores them
        }
        ByteBuffer d = ByteBuffer.wrap(ext.get().data());
        if (d.remaining() < 24) {
            visitor.corruption("bitmaps header extension is too short (" + d.remaining() + " bytes)");
            return;
        }
        long nbBitmaps = Integer.toUnsignedLong(d.getInt(0));
        long dirSize = d.getLong(8);
        long dirOffset = d.getLong(16);
        if (dirSize < 0 || dirSize > MAX_BITMAP_DIRECTORY || dirOffset < 0 || dirOffset + dirSize > fileSize) {
            visitor.corruption("bitmap directory (offset 0x" + Long.toHexString(dirOffset) + ", " + dirSize
                    + " bytes) is out of range");
            return;
        }
        visitor.referenced(dirOffset, dirSize, HostClusterKind.BITMAP);
        ByteBuffer dir = FileIo.read(file, ByteBuffer.allocate((int) dirSize), dirOffset);
        int at = 0;
        for (long n = 0; n < nbBitmaps && at + 24 <= dirSize; n++) {
            long tableOffset = dir.getLong(at);
            long tableSize = Integer.toUnsignedLong(dir.getInt(at + 8));
            int nameSize = Short.toUnsignedInt(dir.getShort(at + 18));
            long extra = Integer.toUnsignedLong(dir.getInt(at + 20));
            at += (int) ((24 + extra + nameSize + 7) & ~7L);
            if (tableOffset + tableSize * 8 > fileSize || (tableOffset & (clusterSize - 1)) != 0) {
                visitor.corruption("bitmap " + n + " has its table out of range");
                continue;
            }
            visitor.referenced(tableOffset, tableSize * 8, HostClusterKind.BITMAP);
            ByteBuffer chunk = ByteBuffer.allocate(clusterSize);
            for (long done = 0; done < tableSize; done += clusterSize / 8) {
                chunk.clear().limit((int) Math.min(clusterSize, (tableSize - done) * 8));
                FileIo.read(file, chunk, tableOffset + done * 8);
                while (chunk.hasRemaining()) {
                    long offset = chunk.getLong() & BITMAP_TABLE_OFFSET_MASK;
                    if (offset != 0) {
                        visitor.referenced(offset, clusterSize, HostClusterKind.BITMAP);
                    }
                }
            }
        }
    }
}
