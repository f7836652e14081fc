package qcowdesk.engine.qcow2;

import java.nio.ByteBuffer;

/**
 * One L2 table in memory. With extended L2 each entry is two words: the cluster descriptor and the subcluster
 * bitmap. Entries change only under the image's allocation (write) lock.
 */
final class L2Table extends CachedCluster {

    private final long[] words;
    private final boolean extended;

    L2Table(long offset, long[] words, boolean extended) {
        super(offset);
        this.words = words;
        this.extended = extended;
    }

    static L2Table decode(long offset, byte[] cluster, boolean extended) {
        long[] words = new long[cluster.length / 8];
        ByteBuffer.wrap(cluster).asLongBuffer().get(words);
        return new L2Table(offset, words, extended);
    }

    static L2Table empty(long offset, int clusterSize, boolean extended) {
        return new L2Table(offset, new long[clusterSize / 8], extended);
    }

    L2Table copyTo(long newOffset) {
        return new L2Table(newOffset, words.clone(), extended);
    }

    int entries() {
        return extended ? words.length / 2 : words.length;
    }

    /** The cluster descriptor of entry {@code i}. */
    long entry(int i) {
        return extended ? words[2 * i] : words[i];
    }

    /** The subcluster bitmap of entry {@code i} (0 without extended L2). */
    long bitmap(int i) {
        return extended ? words[2 * i + 1] : 0;
    }

    void set(int i, long entry, long bitmap) {
        if (extended) {
            words[2 * i] = entry;
            words[2 * i + 1] = bitmap;
        } else {
            words[i] = entry;
        }
        markDirty();
    }

    @Override
    byte[] encode() {
        ByteBuffer buf = ByteBuffer.allocate(words.length * 8);
        buf.asLongBuffer().put(words);
        return buf.array();
    }
}
