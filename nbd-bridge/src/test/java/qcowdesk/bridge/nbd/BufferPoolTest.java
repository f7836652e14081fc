package qcowdesk.bridge.nbd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

class BufferPoolTest {

    private static final int MAX = BlockSizes.MAX_PAYLOAD;

    @Test
    void buffersHaveExactlyTheAskedLengthAndAreReused() throws Exception {
        BufferPool pool = new BufferPool(2L * MAX);
        ByteBuffer first = pool.acquire(5000);
        assertEquals(5000, first.remaining());
        assertEquals(8192, first.capacity());
        assertTrue(first.isDirect());
        pool.release(first);
        ByteBuffer again = pool.acquire(6000);
        assertTrue(again == first, "same size class comes back from the pool");
        assertEquals(6000, again.remaining());
        assertEquals(8192, pool.bytesInUse());
    }

    /**
     * The server's pool: 6 MiB for all connections together (nbdcopy's four hold all of it: the largest part of the
     * server's peak RSS on that benchmark row), 4 MiB for one (a 1 MiB read keeps four in flight).
     */
    @Test
    void theServerPoolServesWithinSixMiBAndFourForOneConnection() {
        BufferPool pool = new BufferPool(NbdServer.Config.DEFAULT_BUFFER_BUDGET);
        assertEquals(6L << 20, pool.workingSet());
        assertEquals(4L << 20, pool.connectionShare());
    }

    @Test
    void everyBufferStartsOnACacheLine() throws Exception {
        // the kernel's copy from a page-aligned file page runs at a fraction of its speed into a buffer that
        // starts 1 to 31 bytes into a page, which is where malloc puts a large allocation (DirectMemory)
        BufferPool pool = new BufferPool(2L * MAX);
        List<ByteBuffer> held = new ArrayList<>();
        for (int length : new int[] {4096, 5000, 65536, 256 << 10, 256 << 10, 1 << 20, MAX}) {
            ByteBuffer buffer = pool.acquire(length);
            held.add(buffer);
            assertEquals(0, buffer.alignmentOffset(0, DirectMemory.ALIGNMENT),
                    "a " + length + "-byte buffer starts " + buffer.alignmentOffset(0, DirectMemory.ALIGNMENT)
                            + " bytes past a cache line");
            assertEquals(length, buffer.remaining());
            assertTrue(Integer.bitCount(buffer.capacity()) == 1 && buffer.capacity() >= length,
                    "the capacity is the size class the pool files the buffer under: " + buffer.capacity());
        }
        held.forEach(pool::release);
        assertEquals(0, pool.bytesInUse());
    }

    @Test
    void acquireWaitsWhileTheBudgetIsUsedUp() throws Exception {
        BufferPool pool = new BufferPool(2L * MAX);
        ByteBuffer a = pool.acquire(MAX);
        ByteBuffer b = pool.acquire(MAX);
        CompletableFuture<ByteBuffer> third = later(() -> pool.acquire(4096));
        Thread.sleep(200);
        assertFalse(third.isDone(), "over budget: must wait");
        pool.release(a);
        ByteBuffer c = third.get(5, TimeUnit.SECONDS);
        assertTrue(pool.bytesInUse() <= 2L * MAX);
        pool.release(b);
        pool.release(c);
        assertEquals(0, pool.bytesInUse());
    }

    @Test
    void oneConnectionsShareIsHalfTheBudgetSoTheOtherHalfStaysFree() throws Exception {
        BufferPool pool = new BufferPool(2L * MAX);
        BufferPool.Share stuck = pool.share();
        ByteBuffer held = stuck.acquire(MAX);
        CompletableFuture<ByteBuffer> more = later(() -> stuck.acquire(4096));
        Thread.sleep(200);
        assertFalse(more.isDone(), "the share is used up: this connection waits");
        BufferPool.Share other = pool.share();
        ByteBuffer theirs = other.acquire(MAX);
        assertEquals(MAX, theirs.remaining(), "another connection still gets a maximum payload");
        other.release(theirs);
        stuck.release(held);
        stuck.release(more.get(5, TimeUnit.SECONDS));
        assertEquals(0, pool.bytesInUse());
    }

    @Test
    void buffersDroppedForOtherSizesAreFreedAtOnce() throws Exception {
        long budget = 2L * MAX;
        BufferPool pool = new BufferPool(budget);
        long workingSet = pool.workingSet();
        long before = directMemoryUsed();
        // each size fills the working set, so each acquire of a new size must drop the cached buffers of the
        // previous one; without freeing them, they would stay allocated until a garbage collection
        // (sizes that divide the working set, the largest first)
        for (int size = (int) Long.lowestOneBit(workingSet); size >= 4096; size /= 4) {
            int count = (int) (workingSet / size);
            ByteBuffer[] all = new ByteBuffer[count];
            for (int i = 0; i < all.length; i++) {
                all[i] = pool.acquire(size);
            }
            for (ByteBuffer b : all) {
                pool.release(b);
            }
            long held = directMemoryUsed() - before;
            assertTrue(held <= workingSet + count * DirectMemory.PADDING, "direct memory held " + held + " after "
                    + size + "-byte buffers, working set " + workingSet);
            assertEquals(workingSet, pool.bytesCached());
        }
    }

    @Test
    void buffersReleasedBeyondTheWorkingSetAreFreedAtOnce() throws Exception {
        BufferPool pool = new BufferPool(2L * MAX);
        long before = directMemoryUsed();
        // a burst that takes the whole budget (possible only through calls without a share)
        ByteBuffer[] all = new ByteBuffer[(int) (2L * MAX / (1 << 20))];
        for (int i = 0; i < all.length; i++) {
            all[i] = pool.acquire(1 << 20);
        }
        for (ByteBuffer b : all) {
            pool.release(b);
        }
        long held = directMemoryUsed() - before;
        long kept = pool.workingSet() / (1 << 20);
        assertTrue(held <= pool.workingSet() + kept * DirectMemory.PADDING, "direct memory held after the burst: "
                + held + ", working set " + pool.workingSet());
        assertEquals(pool.workingSet(), pool.bytesCached());
    }

    @Test
    void aConnectionTakesMoreThanOneBufferOnlyWithinItsShare() throws Exception {
        BufferPool pool = new BufferPool(2L * MAX);
        BufferPool.Share connection = pool.share();
        int size = (int) (pool.connectionShare() / 2);
        ByteBuffer first = connection.acquire(size);
        ByteBuffer second = connection.acquire(size);
        CompletableFuture<ByteBuffer> third = later(() -> connection.acquire(size));
        Thread.sleep(200);
        assertFalse(third.isDone(), "the connection's share is used up: it waits");
        connection.release(first);
        ByteBuffer got = third.get(5, TimeUnit.SECONDS);
        connection.release(second);
        connection.release(got);
        assertEquals(0, pool.bytesInUse());
    }

    @Test
    void aConnectionHoldingNothingGetsOneBufferOfAnySizeWhenTheWorkingSetIsTaken() throws Exception {
        BufferPool pool = new BufferPool(2L * MAX);
        int half = (int) (pool.connectionShare() / 2);
        BufferPool.Share a = pool.share();
        BufferPool.Share b = pool.share();
        ByteBuffer fromA = a.acquire(half);
        ByteBuffer fromB = b.acquire(half);
        BufferPool.Share c = pool.share();
        ByteBuffer fromC = c.acquire((int) (pool.workingSet() - 2L * half));
        assertEquals(pool.workingSet(), pool.bytesInUse(), "the working set is taken");
        CompletableFuture<ByteBuffer> moreForA = later(() -> a.acquire(4096));
        Thread.sleep(200);
        assertFalse(moreForA.isDone(), "beyond the working set a connection gets no second buffer, within its share or not");
        BufferPool.Share idle = pool.share();
        ByteBuffer big = idle.acquire(MAX);
        assertEquals(MAX, big.remaining(), "a connection holding nothing still gets a maximum payload");
        idle.release(big);
        b.release(fromB);
        c.release(fromC);
        a.release(moreForA.get(5, TimeUnit.SECONDS));
        a.release(fromA);
        assertEquals(0, pool.bytesInUse());
    }

    @Test
    void cachedBuffersNoRequestTookForAWholeIntervalAreFreed() throws Exception {
        BufferPool pool = new BufferPool(2L * MAX);
        long before = directMemoryUsed();
        ByteBuffer[] all = new ByteBuffer[4];
        for (int i = 0; i < all.length; i++) {
            all[i] = pool.acquire(1 << 20);
        }
        for (ByteBuffer b : all) {
            pool.release(b);
        }
        pool.releaseIdle();
        assertEquals(4L << 20, pool.bytesCached(), "released within the interval: kept");
        pool.releaseIdle();
        assertEquals(0, pool.bytesCached(), "not taken for a whole interval: freed");
        long held = directMemoryUsed() - before;
        assertTrue(held <= 0, "direct memory still held after the idle buffers were freed: " + held);
    }

    @Test
    void buffersTakenInTheIntervalAndBuffersInUseStay() throws Exception {
        BufferPool pool = new BufferPool(2L * MAX);
        ByteBuffer[] all = new ByteBuffer[8];
        for (int i = 0; i < all.length; i++) {
            all[i] = pool.acquire(4096);
        }
        ByteBuffer held = pool.acquire(1 << 20);
        for (ByteBuffer b : all) {
            pool.release(b);
        }
        pool.releaseIdle();
        // two of the eight are needed again in the next interval (two requests in flight at most): six were idle
        pool.release(pool.acquire(4096));
        ByteBuffer a = pool.acquire(4096);
        ByteBuffer b = pool.acquire(4096);
        pool.release(a);
        pool.release(b);
        pool.releaseIdle();
        assertEquals(2 * 4096, pool.bytesCached(), "the two buffers the interval needed stay cached");
        assertEquals(1 << 20, pool.bytesInUse(), "a buffer in use is not touched");
        ByteBuffer again = pool.acquire(4096);
        assertTrue(again == a || again == b, "a kept buffer is reused");
        pool.release(again);
        pool.release(held);
    }

    /** An acquire that may block, run on another thread. */
    private interface Acquire {
        ByteBuffer get() throws InterruptedException;
    }

    private static CompletableFuture<ByteBuffer> later(Acquire acquire) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return acquire.get();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    private static long directMemoryUsed() {
        return ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
                .filter(b -> b.getName().equals("direct")).mapToLong(BufferPoolMXBean::getMemoryUsed).sum();
    }

    @Test
    void aBudgetBelowTwoPayloadsIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new BufferPool(2L * MAX - 1));
    }

    @Test
    void aWorkingSetBeyondTheBudgetOrBelowAShareIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new BufferPool(2L * MAX, 2L * MAX + 1, 4096));
        assertThrows(IllegalArgumentException.class, () -> new BufferPool(2L * MAX, 1 << 20, 2 << 20));
    }
}
