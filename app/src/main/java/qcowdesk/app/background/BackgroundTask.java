package qcowdesk.app.background;

import javafx.application.Platform;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyDoubleProperty;
import javafx.beans.property.ReadOnlyDoubleWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;

import java.util.Objects;
import java.util.function.Consumer;

/**
 * A piece of {@link Work} with what should happen when it ends, handed to a {@link TaskExecutor}. The executor
 * decides where the work runs; whichever it is, the outcome handlers and the observable state (running,
 * progress, message) are touched on the FX thread only, and a cancelled task reports nothing.
 */
public final class BackgroundTask<T> {

    /** Where the work's progress goes: the executor connects it (a JavaFX task coalesces the updates). */
    interface Sink {
        void update(long done, long total);

        void message(String text);
    }

    private final String title;
    private final Work<T> work;
    private final Consumer<T> onSuccess;
    private final Consumer<Throwable> onFailure;
    private final ReadOnlyBooleanWrapper running = new ReadOnlyBooleanWrapper(true);
    private final ReadOnlyDoubleWrapper progress = new ReadOnlyDoubleWrapper(-1);
    private final ReadOnlyStringWrapper message = new ReadOnlyStringWrapper("");
    private volatile boolean cancelled;
    private volatile Runnable onCancel = () -> { };
    private Runnable onEnd = () -> { };

    public BackgroundTask(String title, Work<T> work, Consumer<T> onSuccess, Consumer<Throwable> onFailure) {
        this.title = title;
        this.work = Objects.requireNonNull(work);
        this.onSuccess = Objects.requireNonNull(onSuccess);
        this.onFailure = Objects.requireNonNull(onFailure);
    }

    public String title() {
        return title;
    }

    /** True until the task succeeded, failed or was cancelled. */
    public ReadOnlyBooleanProperty runningProperty() {
        return running.getReadOnlyProperty();
    }

    public boolean isRunning() {
        return running.get();
    }

    /** From 0 to 1, or -1 while the work has not said how far it is. */
    public ReadOnlyDoubleProperty progressProperty() {
        return progress.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty messageProperty() {
        return message.getReadOnlyProperty();
    }

    public boolean isCancelled() {
        return cancelled;
    }

    /** Asks the work to stop (it checks {@link Work.Progress#isCancelled()}); its outcome is dropped. On the FX thread. */
    public void cancel() {
        if (!running.get()) {
            return;
        }
        cancelled = true;
        onCancel.run();
        end();
    }

    /** Runs {@code action} on the FX thread once the task has ended, whatever the outcome. */
    void whenEnded(Runnable action) {
        Runnable before = onEnd;
        onEnd = () -> {
            before.run();
            action.run();
        };
    }

    /** What cancelling also does: the executor interrupts its thread. */
    void onCancel(Runnable action) {
        this.onCancel = action;
    }

    /** Runs the work on the calling thread, its progress going to {@code sink}. */
    T runWork(Sink sink) throws Exception {
        return work.run(new Work.Progress() {
            @Override
            public void update(long done, long total) {
                sink.update(done, total);
            }

            @Override
            public void message(String text) {
                sink.message(text);
            }

            @Override
            public boolean isCancelled() {
                return cancelled;
            }
        });
    }

    /** Shows progress; on the FX thread. */
    void showProgress(double fraction, String text) {
        progress.set(fraction);
        message.set(text == null ? "" : text);
    }

    /** The work returned {@code value}; on the FX thread. */
    void succeeded(T value) {
        if (cancelled || !running.get()) {
            return;
        }
        end();
        onSuccess.accept(value);
    }

    /** The work threw {@code error}; on the FX thread. */
    void failed(Throwable error) {
        if (cancelled || !running.get()) {
            return;
        }
        end();
        onFailure.accept(error);
    }

    private void end() {
        running.set(false);
        onEnd.run();
    }

    static void onFxThread(Runnable action) {
        if (Platform.isFxApplicationThread()) {
            action.run();
        } else {
            Platform.runLater(action);
        }
    }
}
