package qcowdesk.app.background;

import java.util.function.Consumer;

/**
 * One kind of background work of a view (loading a map, reading a sector, searching): at most one task runs
 * in a slot, and starting a new one cancels the old, whose outcome is then dropped, so a view never shows the
 * result of an image it no longer shows. Used on the FX thread.
 */
public final class TaskSlot {

    private final TaskExecutor executor;
    private BackgroundTask<?> current;

    public TaskSlot(TaskExecutor executor) {
        this.executor = executor;
    }

    /**
     * Cancels what runs in the slot and starts {@code work} on the executor; returns its task, whose progress
     * a view may show.
     */
    public <T> BackgroundTask<T> start(String title, Work<T> work, Consumer<T> onSuccess, Consumer<Throwable> onFailure) {
        cancel();
        BackgroundTask<T> task = new BackgroundTask<>(title, work, onSuccess, onFailure);
        current = task;
        task.whenEnded(() -> {
            if (current == task) {
                current = null;
            }
        });
        executor.execute(task);
        return task;
    }

    /** Whether a task of this slot is running. */
    public boolean busy() {
        return current != null;
    }

    /** Cancels the running task, if any; its results will be dropped. */
    public void cancel() {
        if (current != null) {
            BackgroundTask<?> task = current;
            current = null;
            task.cancel();
        }
    }
}
