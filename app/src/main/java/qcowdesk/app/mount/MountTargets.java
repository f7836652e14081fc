package qcowdesk.app.mount;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import qcowdesk.engine.VirtualDisk;
import qcowdesk.engine.contents.DiskContents;
import qcowdesk.engine.contents.Volume;
import qcowdesk.engine.contents.partition.PartitionScheme;

/**
 * What the mount dialog offers: the disk's partitions with the filesystems the contents readers recognise, when
 * the disk can be read in this process (the app owns the devices); otherwise partition numbers to pick from.
 * Runs off the FX thread.
 */
final class MountTargets {

    private static final int GUESSED_PARTITIONS = 8;

    private MountTargets() {
    }

    static List<MountTarget> of(Optional<VirtualDisk> disk, int sectorSize) {
        if (disk.isPresent()) {
            try (VirtualDisk opened = disk.get()) {
                return read(opened, sectorSize);
            } catch (IOException | RuntimeException e) {
                // an unreadable table is the kernel's to judge at mount time: offer the numbers
            }
        }
        List<MountTarget> targets = new ArrayList<>(List.of(MountTarget.ONLY, MountTarget.WHOLE));
        for (int n = 1; n <= GUESSED_PARTITIONS; n++) {
            targets.add(new MountTarget(n, "Partition " + n));
        }
        return targets;
    }

    private static List<MountTarget> read(VirtualDisk disk, int sectorSize) throws IOException {
        DiskContents contents = DiskContents.read(disk, sectorSize);
        List<MountTarget> targets = new ArrayList<>();
        if (contents.table().scheme() == PartitionScheme.NONE) {
            targets.add(new MountTarget(0, "The whole disk" + fs(contents.volumes().get(0))));
            return targets;
        }
        for (Volume volume : contents.volumes()) {
            volume.partition().ifPresent(p -> targets.add(new MountTarget(p.number(), "Partition " + p.number()
                    + fs(volume))));
        }
        targets.add(MountTarget.WHOLE);
        return targets;
    }

    private static String fs(Volume volume) {
        return volume.fs().map(fs -> ": " + fs.type() + (fs.label().isEmpty() ? "" : " \"" + fs.label() + "\""))
                .orElse(": no filesystem recognised");
    }
}
