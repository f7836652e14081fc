package qcowdesk.app.background;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The serial queues the library's saves and the device table's polls run on: on the app's executor, one piece at
 * a time in order, repeats with a fixed delay, a finish that waits for the last save; synchronous in tests.
 */
class SerialQueueTest {

    private final DaemonTaskExecutor executor = new DaemonTaskExecutor("serial-test");

    @AfterEach
    void close() {
        executor.close();
    }

    @Test
    void runsOnePieceAtATimeInOrderOnTheExecutorsThreads() throws Exception {
        SerialQueue queue = executor.serialQueue();
        List<Integer> order = new ArrayList<>();
        AtomicInteger running = new AtomicInteger();
        AtomicInteger overlaps = new AtomicInteger();
        List<String> threads = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            int n = i;
            queue.execute(() -> {
                if (running.incrementAndGet() != 1) {
                    overlaps.incrementAndGet();
                }
                synchronized (order) {
                    order.add(n);
                    threads.add(Thread.currentThread().getName());
                }
                running.decrementAndGet();
            });
        }
        assertTrue(queue.finish(Duration.ofSeconds(10)));
        assertEquals(300, order.size());
        for (int i = 0; i < 300; i++) {
            assertEquals(i, order.get(i));
        }
        assertEquals(0, overlaps.get());
        assertTrue(threads.stream().allMatch(t -> t.startsWith("serial-test")), threads.toString());
    }

    @Test
    void finishWaitsForWhatWasHandedOverAndTakesNothingAfter() throws Exception {
        SerialQueue queue = executor.serialQueue();
        CountDownLatch slowStarted = new CountDownLatch(1);
        AtomicInteger done = new AtomicInteger();
        queue.execute(() -> {
            slowStarted.countDown();
            sleep(300);
            done.incrementAndGet();
        });
        queue.execute(done::incrementAndGet);
        assertTrue(slowStarted.await(5, TimeUnit.SECONDS));
        assertTrue(queue.finish(Duration.ofSeconds(10)), "the last save reaches the file before the app exits");
        assertEquals(2, done.get());
        queue.execute(done::incrementAndGet);
        Thread.sleep(100);
        assertEquals(2, done.get(), "nothing runs after finish");
    }

    @Test
    void repeatsWithAFixedDelayUntilClosed() throws Exception {
        SerialQueue queue = executor.serialQueue();
        AtomicInteger runs = new AtomicInteger();
        CountDownLatch five = new CountDownLatch(5);
        queue.repeat(Duration.ofMillis(20), () -> {
            runs.incrementAndGet();
            five.countDown();
        });
        assertTrue(five.await(5, TimeUnit.SECONDS), "repeats");
        queue.close();
        int atClose = runs.get();
        Thread.sleep(200);
        assertTrue(runs.get() <= atClose + 1, "stopped: " + atClose + " then " + runs.get());
    }

    @Test
    void closeDropsWhatHasNotStarted() throws Exception {
        SerialQueue queue = executor.serialQueue();
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger later = new AtomicInteger();
        queue.execute(() -> {
            started.countDown();
            await(release);
        });
        queue.execute(later::incrementAndGet);
        assertTrue(started.await(5, TimeUnit.SECONDS));
        queue.close();
        release.countDown();
        Thread.sleep(100);
        assertEquals(0, later.get());
    }

    @Test
    void workHandedOverAfterTheExecutorClosedIsDropped() throws Exception {
        SerialQueue queue = executor.serialQueue();
        executor.close();
        AtomicInteger ran = new AtomicInteger();
        queue.execute(ran::incrementAndGet);
        assertTrue(queue.finish(Duration.ofSeconds(1)));
        assertEquals(0, ran.get());
    }

    @Test
    void theSynchronousExecutorsQueueRunsAtOnceAndRepeatsOnce() {
        SerialQueue queue = new CurrentThreadTaskExecutor().serialQueue();
        List<String> log = new ArrayList<>();
        queue.execute(() -> log.add("save"));
        assertEquals(List.of("save"), log, "done when execute returns");
        queue.repeat(Duration.ofMillis(1), () -> log.add("poll"));
        assertEquals(List.of("save", "poll"), log);
        queue.close();
        queue.execute(() -> log.add("late"));
        assertFalse(log.contains("late"));
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
