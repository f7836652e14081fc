package qcowdesk.engine.device;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import qcowdesk.engine.support.DaemonThreads;
import qcowdesk.engine.support.Log;

/**
 * Delivers device events to listeners on one dedicated thread, in the order they were published.
 * Publishing never blocks the engine on a slow listener, and a listener that throws harms nobody else.
 */
final class EventDispatcher implements AutoCloseable {

    private static final Log LOG = Log.of(EventDispatcher.class);

    private final List<Consumer<DeviceEvent>> listeners = new CopyOnWriteArrayList<>();
    private final ExecutorService thread = Executors.newSingleThreadExecutor(
            DaemonThreads.named("qcowdesk-device-events"));

    Subscription subscribe(Consumer<DeviceEvent> listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    void publish(DeviceEvent event) {
        if (listeners.isEmpty()) {
            return;
        }
        try {
            thread.execute(() -> deliver(event));
        } catch (java.util.concurrent.RejectedExecutionException closed) {
            // the table is closing: late events (e.g. a last client disconnecting) have no audience left
        }
    }

    private void deliver(DeviceEvent event) {
        for (Consumer<DeviceEvent> listener : listeners) {
            try {
                listener.accept(event);
            } catch (RuntimeException e) {
                LOG.warn("device event listener failed on " + event, e);
            }
        }
    }

    /** Delivers what is already published (bounded wait), then stops the thread. */
    @Override
    public void close() {
        thread.shutdown();
        try {
            thread.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
