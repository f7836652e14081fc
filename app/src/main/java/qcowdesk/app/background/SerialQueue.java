package qcowdesk.app.background;

import java.time.Duration;

/**
 * Work of one kind that must run one piece at a time, in the order it was handed over, on the app's
 * {@link TaskExecutor}: the library's saves (the file must end as the list last was) and the device table's polls
 * (a poll's results must not overtake a later one's). Made by {@link TaskExecutor#serialQueue()}, so a test's
 * synchronous executor runs it synchronously too.
 */
public interface SerialQueue extends AutoCloseable {

    /** Runs {@code work} after everything handed over before it; after {@link #close} it is dropped. */
    void execute(Runnable work);

    /**
     * Runs {@code work} now and again {@code delay} after each run ends (a fixed delay, so slow runs never pile up),
     * until the queue is closed. A synchronous executor runs it once: a test drives the repeats itself.
     */
    void repeat(Duration delay, Runnable work);

    /** Takes no more work and waits up to {@code timeout} for what was handed over to finish; true if it did. */
    boolean finish(Duration timeout) throws InterruptedException;

    /** Takes no more work, drops what has not started and stops the repeats; does not wait. */
    @Override
    void close();
}
