package qcowdesk.bridge.control;

import java.io.IOException;

import qcowdesk.bridge.mount.MountEvent;
import qcowdesk.engine.device.DeviceEvent;

/** Receives the device events of a remote owner, on the watch's own thread. */
public interface WatchListener {

    void event(DeviceEvent event);

    /** A filesystem of a device was mounted or unmounted by the owner. */
    default void mountChanged(MountEvent event) {
    }

    /** Events were dropped because this watcher fell behind: list the devices again. */
    default void overflow() {
    }

    /** The stream ended: {@code cause} is null when the watch was closed on purpose, else why it broke. */
    default void ended(IOException cause) {
    }
}
