package qcowdesk.engine.qcow2.format;

/**
 * Bit layout of an L2 entry (docs/interop/qcow2.txt, "Cluster mapping"): standard (8 bytes) or extended (the same
 * descriptor followed by an 8-byte subcluster bitmap), and the compressed cluster descriptor. Pure functions, no
 * state. Whether an entry has a host cluster is decided by {@link #hasHostCluster} alone; what a (sub)cluster is,
 * or which rule it breaks, by {@link EntryClassifier}.
 */
public final class L2Entry {

    /** Bytes of a standard entry on disk. */
    public static final int ENCODED_LENGTH = 8;
    /** Bytes of an extended entry on disk: descriptor and subcluster bitmap. */
    public static final int EXTENDED_ENCODED_LENGTH = 16;
    /** Bits 9..55: host offset of a standard data cluster. */
    public static final long OFFSET_MASK = 0x00fffffffffffe00L;
    /** Bits of a standard (uncompressed) entry that must be zero. */
    public static final long STD_RESERVED_MASK = 0x3f000000000001feL;
    /** Bit 63: the refcount is exactly one, so the cluster may be written in place. */
    public static final long COPIED = 1L << 63;
    /** Bit 62: the cluster is compressed. */
    public static final long COMPRESSED = 1L << 62;
    /** Bit 0 (version 3, standard L2 only): the cluster reads as zeros. */
    public static final long ZERO = 1L;
    /** Subclusters per cluster with extended L2 entries. */
    public static final int SUBCLUSTERS = 32;
    /** Extended L2 bitmap value meaning "all subclusters read as zeros". */
    public static final long ALL_ZEROES_BITMAP = 0xffffffffL << 32;

    private L2Entry() {
    }

    public static long offset(long entry) {
        return entry & OFFSET_MASK;
    }

    public static boolean isCompressed(long entry) {
        return (entry & COMPRESSED) != 0;
    }

    public static boolean isCopied(long entry) {
        return (entry & COPIED) != 0;
    }

    /** Reserved bits set in a standard entry (compressed entries have no reserved bits in this sense). */
    public static long reservedBits(long entry) {
        return isCompressed(entry) ? 0 : entry & STD_RESERVED_MASK;
    }

    /**
     * Whether the entry owns a standard host cluster (one that a refcount counts, or in an external data file the
     * cluster at the guest offset). Compressed entries never do: their data is a byte range, not a cluster.
     */
    public static boolean hasHostCluster(long entry, boolean externalDataFile) {
        return !isCompressed(entry) && (offset(entry) != 0 || (externalDataFile && isCopied(entry)));
    }

    /** Whether the entry refers to host data of any kind (a standard cluster or compressed data). */
    public static boolean hasHostData(long entry, boolean externalDataFile) {
        return isCompressed(entry) || hasHostCluster(entry, externalDataFile);
    }

    /** Allocation bits (low half) of an extended bitmap. */
    public static long allocationHalf(long bitmap) {
        return bitmap & 0xffffffffL;
    }

    /** Bit position where the sector count starts in a compressed cluster descriptor: 62 - (cluster_bits - 8). */
    public static int compressedSizeShift(int clusterBits) {
        return 62 - (clusterBits - 8);
    }

    /**
     * The descriptor of compressed data of {@code length} bytes at host byte {@code offset}: the offset, and the
     * number of 512-byte sectors the data touches minus one (QEMU's encoding, which {@link #compressedSectors}
     * reads back).
     */
    public static long compressed(long offset, int length, int clusterBits) {
        long sectorsMinusOne = ((offset + length - 1) >>> 9) - (offset >>> 9);
        return COMPRESSED | offset | (sectorsMinusOne << compressedSizeShift(clusterBits));
    }

    /** Host byte offset of compressed data. */
    public static long compressedOffset(long entry, int clusterBits) {
        return entry & ((1L << compressedSizeShift(clusterBits)) - 1);
    }

    /** Number of 512-byte sectors the compressed data may touch (the stored count plus one). */
    public static int compressedSectors(long entry, int clusterBits) {
        long mask = (1L << (clusterBits - 8)) - 1;
        return (int) (((entry & ~COMPRESSED & ~COPIED) >>> compressedSizeShift(clusterBits)) & mask) + 1;
    }

    /** Bytes of compressed data to read: from the offset to the end of the last sector. */
    public static int compressedLength(long entry, int clusterBits) {
        return compressedSectors(entry, clusterBits) * 512 - (int) (compressedOffset(entry, clusterBits) & 511);
    }

    public static boolean subclusterAllocated(long bitmap, int sub) {
        return (bitmap & (1L << sub)) != 0;
    }

    public static boolean subclusterZero(long bitmap, int sub) {
        return (bitmap & (1L << (sub + 32))) != 0;
    }

    /** Bitmap bits (allocation half) for subclusters {@code first..last} inclusive. */
    public static long allocationBits(int first, int last) {
        long n = last - first + 1;
        long bits = n >= 32 ? 0xffffffffL : ((1L << n) - 1);
        return bits << first;
    }
}
