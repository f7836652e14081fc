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
 * use. Direct buffers let file and socket I/O run without the JDK's hidden per-thread copies; they start on a
 * cache-line boundary, where the kernel copies a file's pages into them at full speed ({@link DirectMemory}).
 *
 * <p>The budget is what a maximum payload needs, not what serving needs: a 1 MiB read at queue depth 16 goes
 * as fast through a few buffers as through sixteen, because the socket, not the number of requests being
 * worked on, is the limit. So the pool works within a much smaller working set: payload buffers in use and
 * cached together stay within {@link #workingSet()}, and a connection takes more than one buffer at a time only
 * while it holds less than {@link #connectionShare()} and the working set has room. A connection holding nothing
 * may always take one buffer of any size within the budget, so a maximum payload is served (alone), and no
 * connection waits for others to go idle. A buffer released beyond the working set is freed at once.
 *
 * <p>Cached buffers that no request needed for a whole interval between two calls of {@link #releaseIdle()} (the
 * server calls it every second) are freed too: after a job of 1 MiB requests, its cached 1 MiB buffers would
 * otherwise stay resident, up to the whole working set, through every later job of 4 KiB requests.
 *
 * <p>Each connection takes its buffers through a {@link Share}, which holds at most half the budget: a client
 * that sends reads and never reads the replies keeps its buffers until they are written, and without a share it
 * could hold every buffer and stall every other client.
 */
final class BufferPool {

    private static final int MIN_BUFFER = 4096;

    private final long budget;
    private final long workingSet;
    private final long connectionShare;
    private final DirectMemory memory = new DirectMemory();
    private final Map<Integer, FreeList> free = new HashMap<>();
    private long inUse;
    private long cached;

    /**
     * A working set of three sixteenths of the budget (6 MiB of the server's 32), of which one connection takes
     * at most an eighth of the budget (4 MiB: four 1 MiB reads). nbdcopy's four connections of 256 KiB reads share
     * it: with a quarter of the budget they held 8 MiB and copied no faster (alternating pairs, median 1.0); with
     * an eighth (4 MiB, four reads per connection) they copied about 14% slower.
     */
    BufferPool(long budget) {
        this(budget, budget * 3 / 16, budget / 8);
    }

    BufferPool(long budget, long workingSet, long connectionShare) {
        if (budget < 2L * BlockSizes.MAX_PAYLOAD) {
            throw new IllegalArgumentException("buffer budget " + budget + " is below two maximum payloads (a "
                    + "connection's share is half the budget and must hold one)");
        }
        if (workingSet > budget || connectionShare > workingSet || connectionShare < MIN_BUFFER) {
            throw new IllegalArgumentException("the working set (" + workingSet + ") must be within the budget ("
                    + budget + ") and hold a connection's share (" + connectionShare + ") of at least "
                    + MIN_BUFFER + " bytes");
        }
        this.budget = budget;
        this.workingSet = workingSet;
        this.connectionShare = connectionShare;
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

    long workingSet() {
        return workingSet;
    }

    long connectionShare() {
        return connectionShare;
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
        while (!mayTake(size, share)) {
            wait();
        }
        if (share != null) {
            share.held += size;
        }
        FreeList list = free.get(size);
        ByteBuffer buffer = list == null ? null : list.take();
        if (buffer != null) {
            cached -= size;
        } else {
            evictUntilRoomFor(size);
            buffer = memory.allocate(size);
        }
        inUse += size;
        return buffer.clear().limit(length);
    }

    /**
     * Within the budget always; for a connection, within half of it, and beyond its first buffer only within its
     * share and the working set. Calls without a share (tests of the budget) see the budget alone.
     */
    private boolean mayTake(int size, Share share) {
        if (inUse + size > budget) {
            return false;
        }
        if (share == null) {
            return true;
        }
        if (share.held == 0) {
            return size <= budget / 2;
        }
        return share.held + size <= connectionShare && inUse + size <= workingSet;
    }

    private synchronized void release(ByteBuffer buffer, Share share) {
        int size = buffer.capacity();
        if (share != null) {
            share.held -= size;
        }
        inUse -= size;
        if (inUse + cached + size <= workingSet) {
            cached += size;
            free.computeIfAbsent(size, s -> new FreeList()).buffers.push(buffer);
        } else {
            memory.free(buffer);
        }
        notifyAll();
    }

    synchronized long bytesInUse() {
        return inUse;
    }

    synchronized long bytesCached() {
        return cached;
    }

    /** Frees cached buffers of other sizes so that a new one fits in the working set. */
    private void evictUntilRoomFor(int size) {
        for (FreeList list : free.values()) {
            while (inUse + cached + size > workingSet && !list.buffers.isEmpty()) {
                freeCached(list.take());
            }
        }
    }

    /**
     * Frees the cached buffers that stayed unused since the previous call: of each size, as many as were never
     * taken in between (the fewest that size had cached at any moment), the least recently released first.
     */
    synchronized void releaseIdle() {
        for (FreeList list : free.values()) {
            for (int i = list.lowWater; i > 0; i--) {
                freeCached(list.buffers.pollLast());
            }
            list.lowWater = list.buffers.size();
        }
    }

    private void freeCached(ByteBuffer buffer) {
        cached -= buffer.capacity();
        memory.free(buffer);
    }

    /**
     * The cached buffers of one size, most recently released first, and the fewest it held since the last
     * {@link #releaseIdle()}: that many were not needed in the interval.
     */
    private static final class FreeList {
        final ArrayDeque<ByteBuffer> buffers = new ArrayDeque<>();
        int lowWater;

        ByteBuffer take() {
            ByteBuffer buffer = buffers.poll();
            lowWater = Math.min(lowWater, buffers.size());
            return buffer;
        }
    }

    private static int sizeClass(int length) {
        int size = Math.max(length, MIN_BUFFER);
        int rounded = Integer.highestOneBit(size);
        return rounded == size ? size : rounded << 1;
    }
}
