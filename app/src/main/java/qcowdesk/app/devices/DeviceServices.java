package qcowdesk.app.devices;

import qcowdesk.bridge.RuntimeDirectory;

/** Chooses how the app reaches the device table: its own embedded owner, or a daemon that already runs. */
public final class DeviceServices {

    private DeviceServices() {
    }

    public static DeviceService open(RuntimeDirectory runtime) {
        return new UnavailableDeviceService(runtime.nbdSocket(),
                "the device engine and NBD server are not part of this build yet");
    }
}
