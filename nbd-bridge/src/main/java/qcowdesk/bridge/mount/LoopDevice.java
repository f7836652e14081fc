package qcowdesk.bridge.mount;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import qcowdesk.engine.EngineException;
import qcowdesk.engine.ErrorCode;

/**
 * A loop device over the FUSE file, with partition scanning and the device's sector size
 * ({@code losetup -f --show -P --sector-size N [-r] FILE}); as root.
 */
final class LoopDevice {

    private LoopDevice() {
    }

    /** Sets up the loop device and its partitions; returns the whole-disk device, e.g. {@code /dev/loop3}. */
    static String attach(Path file, int sectorSize, boolean readOnly, SetUp setUp) throws EngineException {
        Tool.require("losetup", "to set up a loop device", "mount");
        List<String> command = new ArrayList<>(List.of("losetup", "-f", "--show", "-P",
                "--sector-size", Integer.toString(sectorSize)));
        if (readOnly) {
            command.add("-r");
        }
        command.add(file.toString());
        Tool.Result result = Tool.run(Tool.DEFAULT_TIMEOUT, command);
        if (!result.ok()) {
            throw new EngineException(ErrorCode.UNSUPPORTED, "no loop device: " + result.complaint()
                    + (result.complaint().contains("ermission") ? " (loop devices need root; the udisks route "
                    + "does it for a desktop user)" : ""));
        }
        String disk = result.stdout().strip();
        setUp.done("the loop device " + disk, lazy -> detach(disk));
        if (Partitions.ensureScanned(disk)) {
            setUp.done("the partitions of " + disk, lazy -> Tool.run("partx", "-d", disk));
        }
        return disk;
    }

    /**
     * Flushes the loop device's buffers and detaches it. A loop device still in use (after a lazy unmount) is
     * only marked to go when its last user closes it, which is what losetup -d does then.
     */
    private static void detach(String disk) throws EngineException {
        Tool.run("blockdev", "--flushbufs", disk);
        Tool.check("cannot detach the loop device " + disk, "losetup", "-d", disk);
    }
}
