package qcowdesk.app.background;

/** A slow piece of work (I/O, engine calls) run off the FX thread; it may report progress as it goes. */
@FunctionalInterface
public interface Work<T> {

    T run(Progress progress) throws Exception;

    /** Lets work report how far it got, and learn that no one waits for it any more; safe on the worker thread. */
    interface Progress {
        void update(long done, long total);

        void message(String text);

        /** True once the task was cancelled: long loops check it and stop early. */
        default boolean isCancelled() {
            return false;
        }
    }
}
