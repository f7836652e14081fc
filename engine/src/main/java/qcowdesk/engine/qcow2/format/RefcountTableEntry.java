package qcowdesk.engine.qcow2.format;

/**
 * Bit layout of a refcount table entry: the host offset of a refcount block in bits 9..63 (0: none), bits 0..8
 * reserved. Pure functions, no state.
 */
public final class RefcountTableEntry {

    /** Bytes one entry takes on disk. */
    public static final int ENCODED_LENGTH = 8;
    public static final long OFFSET_MASK = 0xfffffffffffffe00L;
    public static final long RESERVED_MASK = 0x1ffL;

    private RefcountTableEntry() {
    }

    public static long offset(long entry) {
        return entry & OFFSET_MASK;
    }

    public static long reservedBits(long entry) {
        return entry & RESERVED_MASK;
    }
}
