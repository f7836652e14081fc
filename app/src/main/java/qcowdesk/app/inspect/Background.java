package qcowdesk.app.inspect;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/** The threads the inspection views run their disk work on, so the FX thread never waits for I/O. */
public final class Background {

    private static final AtomicInteger COUNT = new AtomicInteger();

    /** Daemon threads: an open view must never keep the application from exiting. */
    public static final ExecutorService EXECUTOR = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "inspect-" + COUNT.incrementAndGet());
        thread.setDaemon(true);
        return thread;
    });

    private Background() {
    }
}
