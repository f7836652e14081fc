package qcowdesk.engine.qcow2;


import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;

/** One layer of a backing chain as seen from the layer above: a read-only guest disk. */
interface GuestLayer extends Closeable {

    long size();

    /**
     * Fills {@code dst} with guest data at {@code offset}; bytes past {@link #size()} read as zeros. The runs that
     * read as zeros without data go to {@code zeros} when it is not null.
     */
    void readLayer(long offset, ByteBuffer dst, ZeroRuns zeros) throws IOException;

    /**
     * Appends the allocation status of {@code [offset, offset+length)} to {@code out}, where {@code depth} is this
     * layer's depth in the chain. Ranges past the layer's size are reported as not present.
     */
    void mapLayer(long offset, long length, int depth, MapBuilder out) throws IOException;
}
