package qcowdesk.engine.qcow2.format;

/**
 * Bit layout of an L1 table entry (docs/interop/qcow2.txt, "Cluster mapping"): the host offset of an L2 table in
 * bits 9..55, COPIED in bit 63, the rest reserved. Pure functions, no state.
 */
public final class L1Entry {

    /** Bytes one entry takes on disk. */
    public static final int ENCODED_LENGTH = 8;
    /** Bits 9..55: host offset of the L2 table (0: none). */
    public static final long OFFSET_MASK = 0x00fffffffffffe00L;
    /** Bit 63: the L2 table's refcount is exactly one, so it may be changed in place. */
    public static final long COPIED = 1L << 63;
    /** Bits that must be zero. */
    public static final long RESERVED_MASK = 0x7f000000000001ffL;

    private L1Entry() {
    }

    public static long offset(long entry) {
        return entry & OFFSET_MASK;
    }

    public static boolean isCopied(long entry) {
        return (entry & COPIED) != 0;
    }

    public static long reservedBits(long entry) {
        return entry & RESERVED_MASK;
    }

    /** The entry for an L2 table at {@code l2Offset} that this L1 table owns alone. */
    public static long owned(long l2Offset) {
        return l2Offset | COPIED;
    }
}
