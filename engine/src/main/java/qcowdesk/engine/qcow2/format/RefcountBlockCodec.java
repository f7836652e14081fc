package qcowdesk.engine.qcow2.format;

import java.nio.ByteBuffer;

/**
 * Reads and writes entries of a refcount block of any width (refcount_order 0..6). Narrow entries (1, 2, 4 bits)
 * are packed starting at the least significant bit of each byte, as QEMU stores them; entries of 8 bits and more
 * are big-endian integers. Indexes are absolute within the buffer (its position is ignored).
 */
public final class RefcountBlockCodec {

    private final int order;
    private final int bits;

    public RefcountBlockCodec(int refcountOrder) {
        if (refcountOrder < 0 || refcountOrder > Qcow2Header.MAX_REFCOUNT_ORDER) {
            throw new IllegalArgumentException("refcount_order " + refcountOrder + " is out of range");
        }
        this.order = refcountOrder;
        this.bits = 1 << refcountOrder;
    }

    public int order() {
        return order;
    }

    public int bits() {
        return bits;
    }

    /** The largest refcount an entry can hold (for 64 bits: Long.MAX_VALUE, the largest we ever store). */
    public long max() {
        return order == 6 ? Long.MAX_VALUE : (1L << bits) - 1;
    }

    /** Entries per refcount block of {@code clusterSize} bytes. */
    public long entriesPerBlock(int clusterSize) {
        return ((long) clusterSize * 8) >> order;
    }

    public long get(ByteBuffer block, int index) {
        return switch (order) {
            case 0, 1, 2 -> {
                int perByte = 8 >> order;
                int shift = (index % perByte) << order;
                yield (block.get(index / perByte) >>> shift) & ((1 << bits) - 1);
            }
            case 3 -> block.get(index) & 0xffL;
            case 4 -> block.getShort(index * 2) & 0xffffL;
            case 5 -> block.getInt(index * 4) & 0xffffffffL;
            default -> block.getLong(index * 8);
        };
    }

    public void set(ByteBuffer block, int index, long value) {
        switch (order) {
            case 0, 1, 2 -> {
                int perByte = 8 >> order;
                int shift = (index % perByte) << order;
                int mask = ((1 << bits) - 1) << shift;
                int at = index / perByte;
                block.put(at, (byte) ((block.get(at) & ~mask) | ((int) value << shift & mask)));
            }
            case 3 -> block.put(index, (byte) value);
            case 4 -> block.putShort(index * 2, (short) value);
            case 5 -> block.putInt(index * 4, (int) value);
            default -> block.putLong(index * 8, value);
        }
    }
}
