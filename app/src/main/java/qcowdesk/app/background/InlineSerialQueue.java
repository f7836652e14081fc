package qcowdesk.app.background;

import java.time.Duration;

/**
 * The synchronous executor's {@link SerialQueue}: work runs at once on the calling thread, so a test sees its
 * effect when {@link #execute} returns; a repeat runs once (the test drives the later ones itself).
 */
final class InlineSerialQueue implements SerialQueue {

    private volatile boolean closed;

    @Override
    public void execute(Runnable work) {
        if (!closed) {
            work.run();
        }
    }

    @Override
    public void repeat(Duration delay, Runnable work) {
        execute(work);
    }

    @Override
    public boolean finish(Duration timeout) {
        closed = true;
        return true;
    }

    @Override
    public void close() {
        closed = true;
    }
}
