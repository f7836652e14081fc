package qcowdesk.app.background;

/**
 * Runs each task at once on the calling thread (the FX thread): its outcome handlers have run when
 * {@link #execute} returns, so a test can act and check the effect without waiting.
 */
public final class CurrentThreadTaskExecutor implements TaskExecutor {

    private volatile boolean closed;

    @Override
    public void execute(BackgroundTask<?> task) {
        if (closed) {
            task.cancel();
            return;
        }
        run(task);
    }

    private static <T> void run(BackgroundTask<T> task) {
        T value;
        try {
            value = task.runWork(new BackgroundTask.Sink() {
                @Override
                public void update(long done, long total) {
                    task.showProgress(total <= 0 ? -1 : (double) done / total, task.messageProperty().get());
                }

                @Override
                public void message(String text) {
                    task.showProgress(task.progressProperty().get(), text);
                }
            });
        } catch (Exception | LinkageError | AssertionError e) {
            task.failed(e);
            return;
        }
        task.succeeded(value);
    }

    @Override
    public SerialQueue serialQueue() {
        return new InlineSerialQueue();
    }

    @Override
    public boolean isClosed() {
        return closed;
    }

    @Override
    public void close() {
        closed = true;
    }
}
