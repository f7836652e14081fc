package qcowdesk.engine.device;

/** A listener's registration; closing it stops the deliveries. Idempotent. */
@FunctionalInterface
public interface Subscription extends AutoCloseable {
    @Override
    void close();
}
