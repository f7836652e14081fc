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
 *
 * <p>Each connection takes its buffers through a {@link Share} that holds at most half the budget: a client that
 * sends reads and never reads the replies keeps its buffers until they are written, and without a share it
 * could hold every buffer and stall every other client.
 */
final class BufferPool {

    private static final int MIN_BUFFER = 4096;

    private final long budget;
    private final Map<Integer, ArrayDeque<ByteBuffer>> free = new HashMap<>();
    private long inUse;
    private long cached;

    BufferPool(long budget) {
        if (budget < 2L * BlockSizes.MAX_PAYLOAD) {
            throw new IllegalArgumentException("buffer budget " + budget + " is below two maximum payloads (a "
                    + "connection's share is half the budget and must hold one)");
        }
        this.budget = budget;
    }

    /** One connection's part of the pool: at most half the budget in use at once. */
    final class Share {
        private long held;

        /** A buffer with exactly {@code length} bytes; blocks while the pool or this share is used up. */
        ByteBuffer acquire(int length) throws InterruptedException {
            return BufferPool.this.acquire(length, this);
        }

        void release(ByteBuffer buffer) {
            BufferPool.this.release(buffer, this);
        }
    }

    Share share() {
        return new Share();
    }

    /** A buffer with exactly {@code length} bytes between position and limit; blocks while over budget. */
    ByteBuffer acquire(int length) throws InterruptedException {
        return acquire(length, null);
    }

    void release(ByteBuffer buffer) {
        release(buffer, null);
    }

    private synchronized ByteBuffer acquire(int length, Share share) throws InterruptedException {
        int size = sizeClass(length);
        while (inUse + size > budget || (share != null && share.held + size > budget / 2)) {
            wait();
        }
        if (share != null) {
            share.held += size;
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

    private synchronized void release(ByteBuffer buffer, Share share) {
        int size = buffer.capacity();
        if (share != null) {
            share.held -= size;
        }
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
