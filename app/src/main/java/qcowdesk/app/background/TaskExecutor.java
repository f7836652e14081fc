package qcowdesk.app.background;

/**
 * Where every background task of the app runs: jobs the status bar lists ({@link Jobs}), the views' own
 * reads and scans ({@link TaskSlot}), and work that must keep its order or recur ({@link SerialQueue}: the
 * library's saves, the device table's polls). Injected, so a test can run the work synchronously on the FX thread
 * ({@link CurrentThreadTaskExecutor}) and the app stops all of it in one place when it closes.
 */
public interface TaskExecutor extends AutoCloseable {

    /** Starts {@code task} (called on the FX thread); a task handed over after {@link #close()} is cancelled. */
    void execute(BackgroundTask<?> task);

    /** A new queue of work run one piece at a time in order (and repeats), on this executor. */
    SerialQueue serialQueue();

    /** Whether {@link #close()} was called; work asked for afterwards has no one left to show it to. */
    boolean isClosed();

    /** Cancels what still runs; does not wait for it. */
    @Override
    void close();
}
