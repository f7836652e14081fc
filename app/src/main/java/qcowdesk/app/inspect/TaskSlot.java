package qcowdesk.app.inspect;

import java.util.function.Consumer;

import javafx.concurrent.Task;

/**
 * One kind of background work of a view (loading a map, reading a sector, searching): at most one task runs
 * in a slot, starting a new one cancels the old, and only the slot's current task may report to the view.
 * A task that finishes just after it was replaced or cancelled still fires its events on the FX thread; the
 * slot drops them, so a view never shows the result of an image it no longer shows. Used on the FX thread.
 */
public final class TaskSlot {

    private Task<?> current;

    /** Cancels what runs in the slot and starts {@code task} on the background executor. */
    public <T> void start(Task<T> task, Consumer<T> onSuccess, Consumer<Throwable> onFailure) {
        cancel();
        current = task;
        task.setOnSucceeded(e -> {
            if (finish(task)) {
                onSuccess.accept(task.getValue());
            }
        });
        task.setOnFailed(e -> {
            if (finish(task)) {
                onFailure.accept(task.getException());
            }
        });
        task.setOnCancelled(e -> finish(task));
        Background.EXECUTOR.execute(task);
    }

    /** Whether a task of this slot is running. */
    public boolean busy() {
        return current != null;
    }

    /** Cancels the running task, if any; its results will be dropped. */
    public void cancel() {
        if (current != null) {
            Task<?> task = current;
            current = null;
            task.cancel();
        }
    }

    private boolean finish(Task<?> task) {
        if (current != task) {
            return false;
        }
        current = null;
        return true;
    }
}
