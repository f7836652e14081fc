package qcowdesk.cli.support;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

import sun.misc.Signal;

/**
 * Keeps a long-running command (serve, daemon) in the foreground until SIGINT or SIGTERM, then closes its
 * resource — flushing images and detaching clients — and lets the command return exit status 0.
 *
 * <p>Why signal handlers and not only a shutdown hook: a JVM ended by SIGTERM through its default handler
 * exits with status 143, and scripts (and service managers) read that as a failure. A shutdown hook remains as
 * the safety net for every other way the JVM may end (System.exit elsewhere, SIGHUP).
 */
public final class Foreground {

    private final CountDownLatch stop = new CountDownLatch(1);
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AutoCloseable resource;

    private final Thread hook;

    private Foreground(AutoCloseable resource) {
        this.resource = resource;
        this.hook = new Thread(this::closeQuietly, "qcowctl-shutdown");
    }

    /**
     * Takes over SIGINT and SIGTERM (and adds the shutdown hook) for {@code resource} now. Call it before the command
     * tells anyone it is ready: a signal sent right after the ready line must reach these handlers, not the JVM's
     * default one (which would exit with 130 or 143 without closing anything).
     */
    public static Foreground takeSignals(AutoCloseable resource) {
        Foreground foreground = new Foreground(resource);
        Runtime.getRuntime().addShutdownHook(foreground.hook);
        Signal.handle(new Signal("INT"), signal -> foreground.stop.countDown());
        Signal.handle(new Signal("TERM"), signal -> foreground.stop.countDown());
        return foreground;
    }

    /** Blocks until SIGINT or SIGTERM (or interruption), then closes the resource exactly once. */
    public void runUntilSignalled() throws Exception {
        try {
            stop.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            closeOnce();
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException alreadyShuttingDown) {
                // the hook is running or ran: nothing left to undo
            }
        }
    }

    private void closeOnce() throws Exception {
        if (closed.compareAndSet(false, true)) {
            resource.close();
        }
    }

    private void closeQuietly() {
        try {
            closeOnce();
        } catch (Exception e) {
            System.err.println(Program.NAME + ": " + ErrorMessages.describe(e));
        }
    }
}
