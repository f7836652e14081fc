package qcowdesk.app.task;

import javafx.application.Platform;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.concurrent.Task;

import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Runs slow work in {@link Task}s on background threads and hands results back on the FX thread.
 * Running jobs are listed (the status bar shows them with their progress); a failure goes to the caller's
 * handler, or to the app-wide one when the caller has none, so no error is ever swallowed.
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

    private final ExecutorService executor;
    private final ObservableList<Task<?>> running = FXCollections.observableArrayList();
    private final ReadOnlyObjectWrapper<Failure> lastFailure = new ReadOnlyObjectWrapper<>();

    public Jobs() {
        AtomicInteger count = new AtomicInteger();
        this.executor = Executors.newCachedThreadPool(runnable -> {
            Thread thread = new Thread(runnable, "qcowdesk-job-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Starts {@code work}; {@code onSuccess} runs on the FX thread; failures go to the app-wide handler. */
    public <T> Task<T> submit(String title, Work<T> work, Consumer<T> onSuccess) {
        return submit(title, work, onSuccess, null);
    }

    /** Starts {@code work}; {@code onSuccess} and {@code onFailure} run on the FX thread. */
    public <T> Task<T> submit(String title, Work<T> work, Consumer<T> onSuccess, Consumer<Failure> onFailure) {
        Objects.requireNonNull(onSuccess);
        Task<T> task = new WorkTask<>(title, work);
        task.setOnSucceeded(event -> {
            running.remove(task);
            onSuccess.accept(task.getValue());
        });
        task.setOnFailed(event -> {
            running.remove(task);
            Failure failure = new Failure(title, task.getException());
            if (onFailure != null) {
                onFailure.accept(failure);
            } else {
                lastFailure.set(failure);
            }
        });
        task.setOnCancelled(event -> running.remove(task));
        onFxThread(() -> {
            if (executor.isShutdown()) {
                return; // the app is closing: work asked for by the last events has no one left to show it to
            }
            running.add(task);
            executor.execute(task);
        });
        return task;
    }

    /** Jobs started and not finished, oldest first. Modified on the FX thread only. */
    public ObservableList<Task<?>> running() {
        return running;
    }

    /** The latest failure no caller handled; the main window shows it. */
    public ReadOnlyObjectProperty<Failure> lastFailureProperty() {
        return lastFailure.getReadOnlyProperty();
    }

    /** Reports a failure that did not come from a job (e.g. a bad file dropped on the window). */
    public void report(String title, Throwable error) {
        onFxThread(() -> lastFailure.set(new Failure(title, error)));
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }

    private static void onFxThread(Runnable action) {
        if (Platform.isFxApplicationThread()) {
            action.run();
        } else {
            Platform.runLater(action);
        }
    }

    private static final class WorkTask<T> extends Task<T> implements Work.Progress {
        private final Work<T> work;

        WorkTask(String title, Work<T> work) {
            this.work = work;
            updateTitle(title);
        }

        @Override
        protected T call() throws Exception {
            return work.run(this);
        }

        @Override
        public void update(long done, long total) {
            updateProgress(done, total);
        }

        @Override
        public void message(String text) {
            updateMessage(text);
        }
    }
}
