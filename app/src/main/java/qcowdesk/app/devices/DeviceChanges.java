package qcowdesk.app.devices;

import qcowdesk.engine.device.DeviceEvent;

/** Which device events change what the devices table shows. */
final class DeviceChanges {

    private DeviceChanges() {
    }

    /** Allocation events come by the thousand while clients write and change nothing in the table. */
    static boolean matter(DeviceEvent event) {
        return !(event instanceof DeviceEvent.ClustersAllocated);
    }
}
