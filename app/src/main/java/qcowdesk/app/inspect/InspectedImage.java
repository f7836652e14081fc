package qcowdesk.app.inspect;

import java.nio.file.Path;
import java.util.Objects;

import qcowdesk.engine.VirtualDisk;

/**
 * The image an inspection view looks at.
 *
 * <p>The caller owns {@code disk}: the views only read it and subscribe to its allocation events, and never
 * close it. Call {@link InspectionView#clear()} on every view before closing the disk.
 *
 * @param name       what the user calls the image (library entry or device unit), shown in titles
 * @param file       the image file, for its size on the host and for host-cluster classification
 * @param disk       the attached device's disk when {@code live}, otherwise the image opened read-only
 * @param sectorSize the device's sector size in bytes (512 for an image that is not attached)
 * @param live       whether the disk is attached, so clients may write to it while it is shown
 */
public record InspectedImage(String name, Path file, VirtualDisk disk, int sectorSize, boolean live) {

    public InspectedImage {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(disk, "disk");
        if (sectorSize < 512 || Integer.bitCount(sectorSize) != 1) {
            throw new IllegalArgumentException("sector size must be a power of two of at least 512 bytes, not " + sectorSize);
        }
    }

    /** An image opened read-only for inspection, not attached: 512-byte sectors, no live updates. */
    public static InspectedImage offline(String name, Path file, VirtualDisk disk) {
        return new InspectedImage(name, file, disk, 512, false);
    }
}
