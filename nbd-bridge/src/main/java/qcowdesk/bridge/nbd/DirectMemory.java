package qcowdesk.bridge.nbd;

import java.lang.reflect.Field;
import java.nio.ByteBuffer;

/**
 * Frees a direct buffer now instead of when the garbage collector finds it. A small server heap is collected
 * rarely, so direct buffers dropped by the {@link BufferPool} would otherwise stay allocated beside the
 * ones that replaced them, and the pool's budget would not bound the process's memory.
 */
final class DirectMemory {

    private static final sun.misc.Unsafe UNSAFE = unsafe();

    private DirectMemory() {
    }

    /** Releases the memory of {@code buffer}, which must not be used afterwards (nor any slice of it). */
    static void free(ByteBuffer buffer) {
        if (UNSAFE != null && buffer.isDirect()) {
            UNSAFE.invokeCleaner(buffer);
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
