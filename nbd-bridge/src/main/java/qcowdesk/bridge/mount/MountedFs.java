package qcowdesk.bridge.mount;

import java.nio.file.Path;
import java.util.List;

/**
 * A filesystem of a device mounted on this machine, as the owner's mount table reports it.
 *
 * @param unit        the device
 * @param partition   the partition number, 0 for the whole disk
 * @param blockDevice the block device the kernel mounted, e.g. {@code /dev/loop3p1}
 * @param mountPoint  where its files are
 * @param route       how it got there
 * @param readOnly    mounted read-only
 * @param fsType      the filesystem type, e.g. {@code ext4}
 * @param helperPids  the processes of the route that hold the device as NBD clients (nbdfuse), so that a busy
 *                    device can tell them from other clients
 * @param blockDevices every block device of the route (the disk and its partitions), for finding other mounts
 */
public record MountedFs(String unit, int partition, String blockDevice, Path mountPoint, RouteKind route,
                        boolean readOnly, String fsType, List<Long> helperPids, List<String> blockDevices) {

    public MountedFs {
        helperPids = List.copyOf(helperPids);
        blockDevices = List.copyOf(blockDevices);
    }

    /** E.g. {@code qcow0 partition 1 (/dev/loop3p1, ext4) on /mnt/disk via fuse-loop, read-only}. */
    public String describe() {
        return unit + (partition == 0 ? " whole disk (" : " partition " + partition + " (") + blockDevice + ", "
                + fsType + ") on " + mountPoint + " via " + route.wireName() + (readOnly ? ", read-only" : "");
    }
}
