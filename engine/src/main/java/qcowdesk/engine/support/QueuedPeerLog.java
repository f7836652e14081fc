package qcowdesk.engine.support;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The peer-message policy for serving processes: an I/O thread never waits on the log. Messages go into a bounded
 * queue that one daemon thread writes out; when the queue is full (the log is slow, or stderr is a pipe nobody
 * reads) or peers cause more than {@code perSecond} messages a second (after a burst), the message is dropped and
 * counted, and the writer reports the count once the log accepts messages again. So a flood of dropped
 * connections costs one line a second, and a stalled stderr stalls only the writer thread.
 */
public final class QueuedPeerLog implements PeerLog.Policy {

    private record Message(Logger logger, Level level, String text, Throwable thrown) {
    }

    private final BlockingQueue<Message> queue;
    private final int perSecond;
    private final int burst;
    private final AtomicLong suppressed = new AtomicLong();
    private final Object rate = new Object();
    private long refilledAt = System.nanoTime();
    private double tokens;
    private volatile Logger lastLogger;

    public QueuedPeerLog(int capacity, int perSecond, int burst) {
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.perSecond = perSecond;
        this.burst = burst;
        this.tokens = burst;
        DaemonThreads.start("peer-log-writer", this::write);
    }

    /** 1024 messages queued at most, 20 a second after a burst of 100. */
    public static QueuedPeerLog standard() {
        return new QueuedPeerLog(1024, 20, 100);
    }

    @Override
    public void log(Logger logger, Level level, Supplier<String> message, Throwable thrown) {
        if (!logger.isLoggable(level)) {
            return;
        }
        if (!admit() || !queue.offer(new Message(logger, level, message.get(), thrown))) {
            suppressed.incrementAndGet();
            lastLogger = logger;
        }
    }

    /** Messages dropped so far and not yet reported. */
    public long suppressed() {
        return suppressed.get();
    }

    /** A token bucket: {@code burst} messages at once, then {@code perSecond}. */
    private boolean admit() {
        synchronized (rate) {
            long now = System.nanoTime();
            tokens = Math.min(burst, tokens + (now - refilledAt) * perSecond / 1e9);
            refilledAt = now;
            if (tokens < 1) {
                return false;
            }
            tokens--;
            return true;
        }
    }

    private void write() {
        while (true) {
            try {
                Message m = queue.poll(1, TimeUnit.SECONDS);
                long dropped = suppressed.getAndSet(0);
                if (dropped > 0 && lastLogger != null) {
                    lastLogger.log(Level.WARNING, dropped + " more messages caused by network peers were not logged "
                            + "(too many, or the log was not keeping up)");
                }
                if (m != null) {
                    if (m.thrown() == null) {
                        m.logger().log(m.level(), m.text());
                    } else {
                        m.logger().log(m.level(), m.text(), m.thrown());
                    }
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                // a failing log backend must not end the writer; there is nowhere to report it
            }
        }
    }
}
