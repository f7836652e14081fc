package qcowdesk.app.devices;

import qcowdesk.bridge.RuntimeDirectory;
import qcowdesk.bridge.control.ControlClient;
import qcowdesk.engine.EngineException;
import qcowdesk.engine.ErrorCode;
import qcowdesk.engine.device.DeviceInfo;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Hands the devices of the app's own owner to a background {@code qcowctl daemon} when the user keeps them
 * running at quit: notes each device (absolute file name, access, sector size, unit), detaches them all cleanly
 * (flushed; connected clients are cut off and must reconnect), starts the daemon and attaches them there as the
 * same units, so their NBD URIs stay the same. Blocking: run as a job.
 */
public final class Handover {

    /** One device as it will be attached again. */
    record Device(String file, boolean readOnly, int sectorSize, String unit, String snapshot) {
    }

    private Handover() {
    }

    /** Returns the units now served by the daemon. */
    public static List<String> toBackground(DeviceService own, RuntimeDirectory runtime, BackgroundOwner owner)
            throws IOException {
        List<Device> devices = new ArrayList<>();
        for (DeviceInfo device : own.list()) {
            if (device.temporary()) {
                // its writes live in an overlay of this owner; attached again they would go into the image itself
                throw new EngineException(ErrorCode.IN_USE, device.unit() + " has temporary writes, which cannot be"
                        + " handed to a background owner: detach it first (Discard, Keep as… or Commit into image)");
            }
        }
        for (DeviceInfo device : own.list()) {
            devices.add(new Device(absoluteName(own, device), device.readOnly(), device.sectorSize(), device.unit(),
                    device.snapshot()));
        }
        own.close();
        owner.start(runtime);
        List<String> units = new ArrayList<>();
        try (ControlClient client = ControlClient.connect(runtime)) {
            for (Device device : devices) {
                int secBits = Integer.numberOfTrailingZeros(device.sectorSize());
                // a snapshot device goes on presenting its snapshot, never the image's current state
                units.add((device.snapshot() != null
                        ? client.attachSnapshot(device.file(), device.snapshot(), secBits, device.unit(), false)
                        : client.attach(device.file(), device.readOnly(), secBits, device.unit())).unit());
            }
        }
        return units;
    }

    /** A relative name was relative to whoever attached it; the open descriptor knows the real one. */
    private static String absoluteName(DeviceService own, DeviceInfo device) throws EngineException {
        if (device.location().isAbsolute()) {
            return device.location().toString();
        }
        return OpenFiles.descriptorOf(own.stat(device.unit())).flatMap(OpenFiles::nameOf).map(Path::toString)
                .orElseThrow(() -> new EngineException(ErrorCode.IO, "Cannot tell where " + device.fileName()
                        + " of " + device.unit() + " is: its open file is not found in /proc/self/fd"));
    }
}
