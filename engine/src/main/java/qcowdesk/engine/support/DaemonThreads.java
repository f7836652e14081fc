package qcowdesk.engine.support;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The one way the project makes background threads. They are daemons because no helper thread (a poller, an
 * event pump, a connection) may keep a process alive after its owner decided to exit: owners stop their
 * threads explicitly when they close, and the JVM's exit is never held hostage by one that was missed.
 */
public final class DaemonThreads {

    private DaemonThreads() {
    }

    /** A factory naming its threads {@code name-1}, {@code name-2}, … (for pools whose threads come and go). */
    public static ThreadFactory numbered(String name) {
        AtomicInteger counter = new AtomicInteger();
        return runnable -> unstarted(name + "-" + counter.incrementAndGet(), runnable);
    }

    /** A factory whose every thread carries {@code name} (for single-thread executors). */
    public static ThreadFactory named(String name) {
        return runnable -> unstarted(name, runnable);
    }

    /** A daemon thread, not yet started (for owners that start it once their own fields are set). */
    public static Thread unstarted(String name, Runnable task) {
        Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        return thread;
    }

    /** Starts {@code task} on a new daemon thread. */
    public static Thread start(String name, Runnable task) {
        Thread thread = unstarted(name, task);
        thread.start();
        return thread;
    }
}
