package qcowdesk.bridge.mount;

import java.nio.file.Path;
import java.util.Objects;

import qcowdesk.bridge.nbd.NbdUris;

/**
 * What to mount and where.
 *
 * @param unit       the device, e.g. {@code qcow0}
 * @param nbdSocket  the owner's NBD Unix socket, where the device is exported under its unit name
 * @param sectorSize the device's sector size, passed on to the block device (loop/nbd logical block size)
 * @param readOnly   mount read-only (a read-only device always is)
 * @param partition  the partition number, 0 for the whole disk, -1 for "the only partition, or the whole disk
 *                   when there is no partition table"
 * @param mountPoint an existing directory; null lets the udisks route choose (it always does)
 * @param options    extra mount options (comma separated), empty for none
 */
public record MountRequest(String unit, Path nbdSocket, int sectorSize, boolean readOnly, int partition,
                           Path mountPoint, String options) {

    public static final int ONLY_PARTITION = -1;

    public MountRequest {
        Objects.requireNonNull(unit, "unit");
        Objects.requireNonNull(nbdSocket, "nbdSocket");
        options = options == null ? "" : options;
    }

    /** The export URI the FUSE export connects to. */
    String uri() {
        return NbdUris.unix(nbdSocket, unit);
    }
}
