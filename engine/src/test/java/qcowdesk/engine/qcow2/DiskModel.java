package qcowdesk.engine.qcow2;

import java.util.Arrays;

/** The expected guest content of a disk under test, with QEMU's discard semantics. */
final class DiskModel {

    final byte[] bytes;
    private final byte[] backing;
    private final int clusterSize;
    private final boolean discardRevealsBacking;

    /**
     * @param backing               content of the backing chain (zeros without one)
     * @param discardRevealsBacking true for v2 images with a backing file (discarded clusters read from it)
     */
    DiskModel(byte[] backing, int clusterSize, boolean discardRevealsBacking) {
        this.bytes = backing.clone();
        this.backing = backing;
        this.clusterSize = clusterSize;
        this.discardRevealsBacking = discardRevealsBacking;
    }

    void write(long offset, byte[] data) {
        System.arraycopy(data, 0, bytes, (int) offset, data.length);
    }

    void zero(long offset, long length) {
        Arrays.fill(bytes, (int) offset, (int) (offset + length), (byte) 0);
    }

    /** Whole clusters inside the range (the partial cluster at the disk's end counts) lose their data. */
    void discard(long offset, long length) {
        long end = offset + length;
        long first = (offset + clusterSize - 1) / clusterSize;
        long last = end == bytes.length ? (end + clusterSize - 1) / clusterSize : end / clusterSize;
        for (long g = first; g < last; g++) {
            int from = (int) (g * clusterSize);
            int to = (int) Math.min(bytes.length, from + (long) clusterSize);
            if (discardRevealsBacking) {
                System.arraycopy(backing, from, bytes, from, to - from);
            } else {
                Arrays.fill(bytes, from, to, (byte) 0);
            }
        }
    }
}
