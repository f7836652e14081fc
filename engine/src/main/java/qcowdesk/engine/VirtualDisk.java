package qcowdesk.engine;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.function.Consumer;

/**
 * A random-access virtual disk: everything the device table and the NBD bridge need of an image.
 * Offsets and lengths are in bytes of the guest-visible disk. Implementations are thread-safe:
 * concurrent reads must not block each other.
 */
public interface VirtualDisk extends Closeable {

    /** Guest-visible size in bytes. */
    long size();

    boolean isReadOnly();

    /** The image's cluster size in bytes: the natural granularity of allocation. */
    int clusterSize();

    /** Fills {@code dst} (all of its remaining bytes) with the guest data starting at {@code offset}. */
    void read(long offset, ByteBuffer dst) throws IOException;

    /**
     * Reads like {@link #read} and returns the runs of the range that read as zeros without data (in order, merged,
     * within the range), so that a caller can send them as holes. An image does it in one pass over its metadata;
     * this default maps the range, then reads it.
     */
    default List<ZeroRun> readReportingZeros(long offset, ByteBuffer dst) throws IOException {
        int length = dst.remaining();
        List<ZeroRun> zeros = new java.util.ArrayList<>();
        long covered = offset;
        while (covered < offset + length) {
            List<MapEntry> extents = map(covered, offset + length - covered);
            for (MapEntry e : extents) {
                long end = Math.min(e.end(), offset + length);
                if (e.zero() && end > e.start()) {
                    ZeroRun last = zeros.isEmpty() ? null : zeros.get(zeros.size() - 1);
                    if (last != null && last.end() == e.start()) {
                        zeros.set(zeros.size() - 1, new ZeroRun(last.offset(), end - last.offset()));
                    } else {
                        zeros.add(new ZeroRun(e.start(), end - e.start()));
                    }
                }
                covered = Math.max(covered, end);
            }
            if (extents.isEmpty()) {
                break;
            }
        }
        read(offset, dst);
        return zeros;
    }

    /**
     * {@link #read} for a caller that has already checked the range against {@link #size()}: the NBD server checks
     * every request where it enters (its request validator), so the layers below do not check it again.
     * Precondition: {@code 0 <= offset <= size() - dst.remaining()}. Outside it the result is unspecified (an image
     * reads zeros past its end, a negative offset fails); callers that cannot promise the range call {@link #read},
     * which checks it and says what is wrong.
     */
    default void readUnchecked(long offset, ByteBuffer dst) throws IOException {
        read(offset, dst);
    }

    /** {@link #readReportingZeros} under the precondition of {@link #readUnchecked}: the range is not checked again. */
    default List<ZeroRun> readReportingZerosUnchecked(long offset, ByteBuffer dst) throws IOException {
        return readReportingZeros(offset, dst);
    }

    /** Writes all remaining bytes of {@code src} at {@code offset}. */
    void write(long offset, ByteBuffer src) throws IOException;

    /**
     * Makes {@code length} bytes at {@code offset} read as zeros. When {@code mayDeallocate} is true the
     * implementation may free the underlying storage (NBD WRITE_ZEROES without NO_HOLE).
     */
    void writeZeroes(long offset, long length, boolean mayDeallocate) throws IOException;

    /**
     * Whether {@link #writeZeroes} of this range would be cheap (metadata only) rather than writing zeros like a
     * write does. NBD's FAST_ZERO needs an honest answer: a client that asks for a fast zero and is told yes
     * skips its own, faster, way of zeroing. The default says no, which is always safe.
     */
    default boolean zeroesFast(long offset, long length, boolean mayDeallocate) {
        return false;
    }

    /** Hints that the range is no longer needed; afterwards it reads as zeros or backing data. */
    void discard(long offset, long length) throws IOException;

    /** Makes all completed writes durable (data and metadata). */
    void flush() throws IOException;

    /**
     * Allocation status of {@code [offset, offset+length)} as consecutive extents, in order, starting at
     * {@code offset}. The list may stop before the end of the range but covers at least one byte.
     */
    List<MapEntry> map(long offset, long length) throws IOException;

    /** {@link #map} under the precondition of {@link #readUnchecked}: the range is not checked again. */
    default List<MapEntry> mapUnchecked(long offset, long length) throws IOException {
        return map(offset, length);
    }

    /** Subscribes to allocation events; returns the handle that unsubscribes. */
    Subscription onAllocation(Consumer<AllocationEvent> listener);

    /** Unsubscribes a listener. */
    interface Subscription extends AutoCloseable {
        @Override
        void close();
    }
}
