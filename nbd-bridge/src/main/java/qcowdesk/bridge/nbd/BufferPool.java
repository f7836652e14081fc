package qcowdesk.bridge.nbd;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * Direct buffers for request and reply payloads, recycled by power-of-two size and bounded in total: all
 * buffers handed out plus all kept for reuse never exceed the budget, so however many clients send however
 * many requests, payload memory stays below it. A caller that would exceed it waits for a release (back-pressure
 * on its client) rather than allocating beyond it. A cached buffer dropped to make room for another size is
 * freed at once ({@link DirectMemory}), so the budget bounds the memory actually held, not only the buffers in
 * use. Direct buffers let file and socket I/O run without the JDK's hidden per-thread copies.
 */
final class BufferPool {

    private static final int MIN_BUFFER = 4096;

    private final long budget;
    private final Map<Integer, ArrayDeque<ByteBuffer>> free = new HashMap<>();
    private long inUse;
    private long cached;

    BufferPool(long budget) {
        if (budget < BlockSizes.MAX_PAYLOAD) {
            throw new IllegalArgumentException("buffer budget " + budget + " is below the maximum payload");
        }
        this.budget = budget;
    }

    /** A buffer with exactly {@code length} bytes between position and limit; blocks while over budget. */
    synchronized ByteBuffer acquire(int length) throws InterruptedException {
        int size = sizeClass(length);
        while (inUse + size > budget) {
            wait();
        }
        ArrayDeque<ByteBuffer> list = free.get(size);
        ByteBuffer buffer = list == null ? null : list.poll();
        if (buffer != null) {
            cached -= size;
        } else {
            evictUntilRoomFor(size);
            buffer = ByteBuffer.allocateDirect(size);
        }
        inUse += size;
        return buffer.clear().limit(length);
    }

    synchronized void release(ByteBuffer buffer) {
        int size = buffer.capacity();
        inUse -= size;
        cached += size;
        free.computeIfAbsent(size, s -> new ArrayDeque<>()).push(buffer);
        notifyAll();
    }

    synchronized long bytesInUse() {
        return inUse;
    }

    synchronized long bytesCached() {
        return cached;
    }

    /** Frees cached buffers of other sizes so that a new one fits. */
    private void evictUntilRoomFor(int size) {
        for (ArrayDeque<ByteBuffer> list : free.values()) {
            while (inUse + cached + size > budget && !list.isEmpty()) {
                ByteBuffer dropped = list.pop();
                cached -= dropped.capacity();
                DirectMemory.free(dropped);
            }
        }
    }

    private static int sizeClass(int length) {
        int size = Math.max(length, MIN_BUFFER);
        int rounded = Integer.highestOneBit(size);
        return rounded == size ? size : rounded << 1;
    }
}
