package qcowdesk.engine.device;

import qcowdesk.engine.AllocationEvent;

/** Something that happened in the device table; listeners receive them in the order they happened. */
public sealed interface DeviceEvent {

    String unit();

    /** A device was attached. */
    record Attached(DeviceInfo device) implements DeviceEvent {
        @Override
        public String unit() {
            return device.unit();
        }
    }

    /** A device was detached; its file is flushed and closed. */
    record Detached(String unit, String fileName, boolean forced) implements DeviceEvent {
    }

    /** A client opened the device; {@code clients} counts them, this one included. */
    record ClientConnected(String unit, int clients) implements DeviceEvent {
    }

    /** A client released the device; {@code clients} is how many remain. */
    record ClientDisconnected(String unit, int clients) implements DeviceEvent {
    }

    /**
     * Opening the device's image repaired it first (e.g. refcounts rebuilt after a writer crashed with lazy
     * refcounts); {@code message} says what was done, for the user.
     */
    record Repaired(String unit, String message) implements DeviceEvent {
    }

    /** Clusters of the device's image were allocated or freed. */
    record ClustersAllocated(String unit, AllocationEvent allocation) implements DeviceEvent {
    }
}
