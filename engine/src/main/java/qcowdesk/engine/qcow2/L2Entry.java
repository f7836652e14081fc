package qcowdesk.engine.qcow2;

/**
 * Bit layout of L1 and L2 entries (docs/interop/qcow2.txt, "Cluster mapping"). Pure functions, no state.
 */
public final class L2Entry {

    /** Bits 9..55: host offset of an L2 table or a standard data cluster. */
    public static final long OFFSET_MASK = 0x00fffffffffffe00L;
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

    /** Bit position where the sector count starts in a compressed cluster descriptor: 62 - (cluster_bits - 8). */
    public static int compressedSizeShift(int clusterBits) {
        return 62 - (clusterBits - 8);
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
