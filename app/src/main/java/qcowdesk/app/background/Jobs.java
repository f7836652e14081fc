package qcowdesk.app.background;

import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

import java.util.Objects;
import java.util.function.Consumer;

/**
 * The user's jobs (create, attach, detach, check, reading images): run on the app's {@link TaskExecutor},
 * results handed back on the FX thread. Running jobs are listed (the status bar shows them with their
 * progress); a failure goes to the caller's handler, or to the app-wide one when the caller has none, so no
 * error is ever swallowed.
 */
public final class Jobs implements AutoCloseable {

    /** A job that failed: what it was doing and why. */
    public record Failure(String title, Throwable error) {

        /** The message to show: the exception's own message (engine messages are written for users). */
        public String message() {
            Throwable cause = error;
            while (cause.getMessage() == null && cause.getCause() != null) {
                cause = cause.getCause();
            }
            return cause.getMessage() != null ? cause.getMessage() : cause.getClass().getSimpleName();
        }
    }

    private final TaskExecutor executor;
    private final ObservableList<BackgroundTask<?>> running = FXCollections.observableArrayList();
    private final ReadOnlyObjectWrapper<Failure> lastFailure = new ReadOnlyObjectWrapper<>();

    public Jobs(TaskExecutor executor) {
        this.executor = executor;
    }

    /** The executor jobs run on; views run their own reads and scans on it through {@link TaskSlot}s. */
    public TaskExecutor executor() {
        return executor;
    }

    /** Starts {@code work}; {@code onSuccess} runs on the FX thread; failures go to the app-wide handler. */
    public <T> BackgroundTask<T> submit(String title, Work<T> work, Consumer<T> onSuccess) {
        return submit(title, work, onSuccess, null);
    }

    /** Starts {@code work}; {@code onSuccess} and {@code onFailure} run on the FX thread. */
    public <T> BackgroundTask<T> submit(String title, Work<T> work, Consumer<T> onSuccess, Consumer<Failure> onFailure) {
        Objects.requireNonNull(onSuccess);
        BackgroundTask<T> task = new BackgroundTask<>(title, work, onSuccess, error -> {
            Failure failure = new Failure(title, error);
            if (onFailure != null) {
                onFailure.accept(failure);
            } else {
                lastFailure.set(failure);
            }
        });
        task.whenEnded(() -> running.remove(task));
        BackgroundTask.onFxThread(() -> {
            if (executor.isClosed()) {
                return; // the app is closing: work asked for by the last events has no one left to show it to
            }
            running.add(task);
            executor.execute(task);
        });
        return task;
    }

    /** Jobs started and not finished, oldest first. Modified on the FX thread only. */
    public ObservableList<BackgroundTask<?>> running() {
        return running;
    }

    /** The latest failure no caller handled; the main window shows it. */
    public ReadOnlyObjectProperty<Failure> lastFailureProperty() {
        return lastFailure.getReadOnlyProperty();
    }

    /** Reports a failure that did not come from a job (e.g. a bad file dropped on the window). */
    public void report(String title, Throwable error) {
        BackgroundTask.onFxThread(() -> lastFailure.set(new Failure(title, error)));
    }

    /** Stops the jobs still running (the executor is the app's: closing it ends every background task). */
    @Override
    public void close() {
        executor.close();
    }
}
