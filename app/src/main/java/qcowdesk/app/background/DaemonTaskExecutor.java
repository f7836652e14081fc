package qcowdesk.app.background;

import javafx.concurrent.Task;

import qcowdesk.engine.support.DaemonThreads;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The app's executor: each task runs as a JavaFX {@link Task} (which coalesces progress updates for the FX
 * thread) on a cached pool of daemon threads, so a running scan never keeps the application from exiting.
 * Closing it interrupts what runs.
 */
public final class DaemonTaskExecutor implements TaskExecutor {

    private final ExecutorService executor;
    /** Waits out the repeats' delays and hands each next run to its queue; runs no work itself. */
    private final ScheduledExecutorService timer;

    public DaemonTaskExecutor(String threadPrefix) {
        this.executor = Executors.newCachedThreadPool(DaemonThreads.numbered(threadPrefix));
        this.timer = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named(threadPrefix + "-timer"));
    }

    @Override
    public SerialQueue serialQueue() {
        return new PooledSerialQueue(executor, timer);
    }

    @Override
    public void execute(BackgroundTask<?> task) {
        if (executor.isShutdown()) {
            task.cancel();
            return;
        }
        executor.execute(fxTask(task));
    }

    private static <T> Task<T> fxTask(BackgroundTask<T> task) {
        Task<T> fx = new Task<>() {
            @Override
            protected T call() throws Exception {
                return task.runWork(new BackgroundTask.Sink() {
                    @Override
                    public void update(long done, long total) {
                        updateProgress(done, total);
                    }

                    @Override
                    public void message(String text) {
                        updateMessage(text);
                    }
                });
            }
        };
        task.onCancel(() -> fx.cancel(true));
        fx.progressProperty().addListener((obs, old, now) -> task.showProgress(now.doubleValue(), fx.getMessage()));
        fx.messageProperty().addListener((obs, old, now) -> task.showProgress(fx.getProgress(), now));
        fx.setOnSucceeded(event -> task.succeeded(fx.getValue()));
        fx.setOnFailed(event -> task.failed(fx.getException()));
        return fx;
    }

    @Override
    public boolean isClosed() {
        return executor.isShutdown();
    }

    @Override
    public void close() {
        timer.shutdownNow();
        executor.shutdownNow();
    }
}
