package qcowdesk.engine.qcow2.tools;

import java.nio.ByteBuffer;

/**
 * Reads and writes entries of a refcount block of any width (refcount_order 0..6). Narrow entries (1, 2, 4 bits)
 * are packed starting at the least significant bit of each byte, as QEMU stores them; entries of 8 bits and more
 * are big-endian integers.
 */
final class RefcountCodec {

    private final int order;

    RefcountCodec(int refcountOrder) {
        this.order = refcountOrder;
    }

    int bits() {
        return 1 << order;
    }

    /** The largest refcount an entry can hold (for 64 bits: Long.MAX_VALUE, the largest we ever store). */
    long max() {
        return order == 6 ? Long.MAX_VALUE : (1L << bits()) - 1;
    }

    /** Entries per refcount block of {@code clusterSize} bytes. */
    long entriesPerBlock(int clusterSize) {
        return (long) clusterSize * 8 / bits();
    }

    long get(ByteBuffer block, int index) {
        return switch (order) {
            case 0, 1, 2 -> {
                int perByte = 8 / bits();
                int shift = (index % perByte) * bits();
                yield (block.get(index / perByte) >>> shift) & ((1 << bits()) - 1);
            }
            case 3 -> block.get(index) & 0xffL;
            case 4 -> block.getShort(index * 2) & 0xffffL;
            case 5 -> block.getInt(index * 4) & 0xffffffffL;
            default -> block.getLong(index * 8);
        };
    }

    void set(ByteBuffer block, int index, long value) {
        switch (order) {
            case 0, 1, 2 -> {
                int perByte = 8 / bits();
                int shift = (index % perByte) * bits();
                int mask = ((1 << bits()) - 1) << shift;
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
