package qcowdesk.app.background;

import qcowdesk.engine.support.Log;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A {@link SerialQueue} over a thread pool: one drainer at a time takes the queued work in order, so no thread is
 * held while the queue is empty. Repeats wait on a shared timer, which only hands the next run to the queue.
 */
final class PooledSerialQueue implements SerialQueue {

    private static final Log LOG = Log.of(PooledSerialQueue.class);

    private final Executor pool;
    private final ScheduledExecutorService timer;
    private final ArrayDeque<Runnable> queue = new ArrayDeque<>();
    private boolean draining;
    private boolean closed;
    private ScheduledFuture<?> nextRepeat;

    PooledSerialQueue(Executor pool, ScheduledExecutorService timer) {
        this.pool = pool;
        this.timer = timer;
    }

    @Override
    public synchronized void execute(Runnable work) {
        if (closed) {
            return;
        }
        queue.add(work);
        if (!draining) {
            try {
                pool.execute(this::drain);
                draining = true;
            } catch (RejectedExecutionException executorClosed) {
                queue.clear(); // the app is closing: nobody is left to run it
            }
        }
    }

    @Override
    public void repeat(Duration delay, Runnable work) {
        execute(new Runnable() {
            @Override
            public void run() {
                try {
                    work.run();
                } finally {
                    scheduleAgain(this, delay);
                }
            }
        });
    }

    private synchronized void scheduleAgain(Runnable run, Duration delay) {
        if (closed) {
            return;
        }
        try {
            nextRepeat = timer.schedule(() -> execute(run), delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException executorClosed) {
            // the timer stopped with the executor: no more repeats
        }
    }

    private void drain() {
        while (true) {
            Runnable next;
            synchronized (this) {
                next = queue.poll();
                if (next == null) {
                    draining = false;
                    notifyAll();
                    return;
                }
            }
            try {
                next.run();
            } catch (RuntimeException | Error e) {
                LOG.error("background work failed", e);
            }
        }
    }

    @Override
    public synchronized boolean finish(Duration timeout) throws InterruptedException {
        closed = true;
        cancelRepeat();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (draining) {
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (left <= 0) {
                return false;
            }
            wait(left);
        }
        return true;
    }

    @Override
    public synchronized void close() {
        closed = true;
        queue.clear();
        cancelRepeat();
    }

    private void cancelRepeat() {
        if (nextRepeat != null) {
            nextRepeat.cancel(false);
        }
    }
}
