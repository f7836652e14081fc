package qcowdesk.app.task;

/** A slow piece of work (I/O, engine calls) run off the FX thread; it may report progress as it goes. */
@FunctionalInterface
public interface Work<T> {

    T run(Progress progress) throws Exception;

    /** Lets work report how far it got; safe to call from the worker thread. */
    interface Progress {
        void update(long done, long total);

        void message(String text);
    }
}
