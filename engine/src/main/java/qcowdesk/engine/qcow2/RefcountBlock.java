package qcowdesk.engine.qcow2;

/**
 * One refcount block: a cluster of packed refcounts of 2^order bits each. Sub-byte widths are packed least
 * significant bits first (as QEMU does); widths of 8 bits and more are big-endian.
 */
final class RefcountBlock extends CachedCluster {

    private final byte[] data;
    private final int order;

    RefcountBlock(long offset, byte[] data, int order) {
        super(offset);
        this.data = data;
        this.order = order;
    }

    long get(long index) {
        int bits = 1 << order;
        if (bits < 8) {
            long bitPos = index << order;
            int b = data[(int) (bitPos >>> 3)] & 0xff;
            return (b >>> (bitPos & 7)) & ((1 << bits) - 1);
        }
        int bytes = bits >>> 3;
        int at = (int) (index * bytes);
        long v = 0;
        for (int i = 0; i < bytes; i++) {
            v = (v << 8) | (data[at + i] & 0xff);
        }
        return v;
    }

    void set(long index, long value) {
        int bits = 1 << order;
        if (bits < 8) {
            long bitPos = index << order;
            int at = (int) (bitPos >>> 3);
            int shift = (int) (bitPos & 7);
            int mask = ((1 << bits) - 1) << shift;
            data[at] = (byte) ((data[at] & ~mask) | ((int) (value << shift) & mask));
        } else {
            int bytes = bits >>> 3;
            int at = (int) (index * bytes);
            long v = value;
            for (int i = bytes - 1; i >= 0; i--) {
                data[at + i] = (byte) v;
                v >>>= 8;
            }
        }
        markDirty();
    }

    /** Largest refcount the width can hold (for 64 bits, the largest positive long). */
    static long maxValue(int order) {
        return order >= 6 ? Long.MAX_VALUE : (1L << (1 << order)) - 1;
    }

    @Override
    byte[] encode() {
        return data.clone();
    }
}
