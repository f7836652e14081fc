package qcowdesk.bridge.nbd;

import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * Direct buffers that start on a cache-line boundary, freed now instead of when the garbage collector finds them.
 *
 * <p>Aligned because of how the kernel copies: a READ's data comes from the page cache (page-aligned, as the
 * image's clusters are) into our buffer, and x86 processors with fast string moves copy at a fraction of their
 * speed when the destination lies 1 to 31 bytes past the source within a page. {@code allocateDirect} returns
 * whatever malloc returns, and glibc puts a large allocation 16 bytes into a fresh mapping: every read into such
 * a buffer cost 1.6 times the CPU of a read into an aligned one (4 times at 8 bytes), and whether the pool's
 * buffers landed there depended on the process's allocation history. That made the same copy fast or slow from
 * one server to the next (bench/results/2026-12-07-nbdcopy-bimodal.md). At a 64-byte boundary the distance to a
 * page-aligned (or sector-aligned) source is a multiple of 64, never in that range.
 *
 * <p>Freed now: a small server heap is collected rarely, so direct buffers dropped by the {@link BufferPool}
 * would otherwise stay allocated beside the ones that replaced them, and the pool's budget would not bound the
 * process's memory.
 */
final class DirectMemory {

    /** The boundary buffers start on. */
    static final int ALIGNMENT = 64;
    /** Bytes allocated beyond a buffer's capacity to align it. */
    static final int PADDING = ALIGNMENT - 1;

    private static final sun.misc.Unsafe UNSAFE = unsafe();

    /** Each buffer handed out, to the allocation it is a slice of (only the allocation itself can be freed). */
    private final Map<ByteBuffer, ByteBuffer> allocations = new IdentityHashMap<>();

    /** A direct buffer of exactly {@code capacity} bytes whose first byte is at a multiple of {@link #ALIGNMENT}. */
    synchronized ByteBuffer allocate(int capacity) {
        ByteBuffer allocation = ByteBuffer.allocateDirect(capacity + PADDING);
        ByteBuffer aligned = allocation.alignedSlice(ALIGNMENT).slice(0, capacity);
        allocations.put(aligned, allocation);
        return aligned;
    }

    /** Releases the memory of a buffer from {@link #allocate}, which must not be used afterwards (nor any slice of it). */
    synchronized void free(ByteBuffer buffer) {
        ByteBuffer allocation = allocations.remove(buffer);
        if (allocation == null) {
            throw new IllegalArgumentException("not a buffer of this allocator: " + buffer);
        }
        if (UNSAFE != null) {
            UNSAFE.invokeCleaner(allocation);
        }
    }

    /** Null when the runtime hides it: buffers are then freed by the collector, as usual. */
    private static sun.misc.Unsafe unsafe() {
        try {
            Field field = sun.misc.Unsafe.class.getDeclaredField("theUnsafe");
            field.setAccessible(true);
            return (sun.misc.Unsafe) field.get(null);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }
}
