package qcowdesk.cli.lifecycle;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Predicate;

import qcowdesk.bridge.control.ControlClient;
import qcowdesk.cli.device.OwnerOptions;
import qcowdesk.engine.device.DeviceInfo;

/**
 * The running owner's device that has an image attached read-write (the writer a snapshot must go through), found
 * by file identity, so that any name of the file matches.
 *
 * @param client the connection to the owner; the caller closes it
 * @param device the owner's read-write device of the image
 */
record OwnedImage(ControlClient client, DeviceInfo device) implements AutoCloseable {

    /** The owner's read-write device of {@code image}, or null when no owner runs or none has it attached so. */
    static OwnedImage find(OwnerOptions owner, Path image) throws IOException {
        ControlClient client = owner.connectIfRunning();
        if (client == null) {
            return null;
        }
        try {
            DeviceInfo writer = deviceOf(client, image,
                    device -> !device.readOnly() && !device.temporary() && device.snapshot() == null);
            if (writer != null) {
                return new OwnedImage(client, writer);
            }
        } catch (IOException | RuntimeException e) {
            client.close();
            throw e;
        }
        client.close();
        return null;
    }

    /**
     * The running owner's device that reads {@code image} without holding a write lock on it (attached read-only,
     * or an internal snapshot of it attached), or null when no owner runs or none does: such a device keeps the
     * image's metadata cached, so no offline change may move it under the device's clients.
     */
    static DeviceInfo reader(OwnerOptions owner, Path image) throws IOException {
        try (ControlClient client = owner.connectIfRunning()) {
            if (client == null) {
                return null;
            }
            return deviceOf(client, image, DeviceInfo::readOnly);
        }
    }

    /** The first of the owner's devices of {@code image} (by file identity) that {@code wanted} accepts, or null. */
    private static DeviceInfo deviceOf(ControlClient client, Path image, Predicate<DeviceInfo> wanted)
            throws IOException {
        for (DeviceInfo device : client.list()) {
            if (wanted.test(device) && sameFile(device.location(), image)) {
                return device;
            }
        }
        return null;
    }

    private static boolean sameFile(Path attached, Path image) {
        try {
            return Files.isSameFile(attached, image);
        } catch (IOException e) {
            return false; // the attached file is gone or unreadable: it is not this image
        }
    }

    @Override
    public void close() {
        client.close();
    }
}
