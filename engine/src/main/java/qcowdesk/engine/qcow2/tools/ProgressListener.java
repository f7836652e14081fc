package qcowdesk.engine.qcow2.tools;

/**
 * Receives progress of long metadata walks (host map, check, repair), from the worker thread. A UI hands it to its
 * own thread; it must return quickly.
 */
@FunctionalInterface
public interface ProgressListener {

    ProgressListener NONE = (phase, done, total) -> { };

    /**
     * @param phase what is being done, fit to show a user ("reading L2 tables", "comparing refcounts", ...)
     * @param done  units of the phase finished
     * @param total units of the phase in all
     */
    void onProgress(String phase, long done, long total);
}
