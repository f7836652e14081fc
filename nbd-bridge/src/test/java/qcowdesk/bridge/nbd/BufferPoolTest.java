package qcowdesk.bridge.nbd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
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

    @Test
    void acquireWaitsWhileTheBudgetIsUsedUp() throws Exception {
        BufferPool pool = new BufferPool(2L * MAX);
        ByteBuffer a = pool.acquire(MAX);
        ByteBuffer b = pool.acquire(MAX);
        CompletableFuture<ByteBuffer> third = CompletableFuture.supplyAsync(() -> {
            try {
                return pool.acquire(4096);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
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
        CompletableFuture<ByteBuffer> more = CompletableFuture.supplyAsync(() -> {
            try {
                return stuck.acquire(4096);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
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
        long before = directMemoryUsed();
        // each size takes the whole budget, so each acquire must drop the cached buffer of the previous size;
        // without freeing it, the dropped buffers would stay allocated until a garbage collection
        for (int size = MAX; size >= MAX / 8; size /= 2) {
            int count = (int) (budget / size);
            for (int i = 0; i < count; i++) {
                pool.release(pool.acquire(size));
            }
            ByteBuffer[] all = new ByteBuffer[count];
            for (int i = 0; i < all.length; i++) {
                all[i] = pool.acquire(size);
            }
            for (ByteBuffer b : all) {
                pool.release(b);
            }
            long held = directMemoryUsed() - before;
            assertTrue(held <= budget, "direct memory held " + held + " after " + size + "-byte buffers, budget "
                    + budget);
            assertEquals(budget, pool.bytesCached());
        }
    }

    private static long directMemoryUsed() {
        return ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
                .filter(b -> b.getName().equals("direct")).mapToLong(BufferPoolMXBean::getMemoryUsed).sum();
    }

    @Test
    void aBudgetBelowTwoPayloadsIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new BufferPool(2L * MAX - 1));
    }
}
