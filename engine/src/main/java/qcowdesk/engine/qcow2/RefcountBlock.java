package qcowdesk.engine.qcow2;

import qcowdesk.engine.qcow2.format.RefcountBlockCodec;

import java.nio.ByteBuffer;

/** One refcount block held in the cache: a cluster of packed refcounts, read and written by the format's codec. */
final class RefcountBlock extends CachedCluster {

    private final byte[] data;
    private final ByteBuffer view;
    private final RefcountBlockCodec codec;

    RefcountBlock(long offset, byte[] data, RefcountBlockCodec codec) {
        super(offset);
        this.data = data;
        this.view = ByteBuffer.wrap(data);
        this.codec = codec;
    }

    long get(long index) {
        return codec.get(view, (int) index);
    }

    void set(long index, long value) {
        codec.set(view, (int) index, value);
        markDirty();
    }

    @Override
    byte[] encode() {
        return data.clone();
    }
}
