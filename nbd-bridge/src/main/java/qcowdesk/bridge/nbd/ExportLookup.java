package qcowdesk.bridge.nbd;

import java.util.List;
import java.util.Optional;

import qcowdesk.engine.device.Device;
import qcowdesk.engine.device.DeviceDirectory;

/** Finds the device an export name means. */
final class ExportLookup {

    private ExportLookup() {
    }

    /**
     * The device named {@code exportName}. The empty name is the protocol's "default export": it means the
     * only attached device when there is exactly one (so {@code nbd+unix:///?socket=...} works like with
     * qemu-nbd), and nothing otherwise.
     */
    static Optional<Device> find(DeviceDirectory devices, String exportName) {
        if (exportName.isEmpty()) {
            List<Device> all = devices.devices();
            return all.size() == 1 ? Optional.of(all.get(0)) : Optional.empty();
        }
        return devices.find(exportName);
    }
}
