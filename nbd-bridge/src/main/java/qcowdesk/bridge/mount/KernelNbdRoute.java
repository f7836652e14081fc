package qcowdesk.bridge.mount;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import qcowdesk.engine.EngineException;
import qcowdesk.engine.ErrorCode;

/**
 * The kernel's NBD client: {@code nbd-client -unix SOCKET -N UNIT -b SECTOR /dev/nbdN}, then mount; root only.
 * Documented and built, but not tested here: the machines this is tested on have no nbd module.
 */
final class KernelNbdRoute implements Route {

    @Override
    public RouteKind kind() {
        return RouteKind.KERNEL_NBD;
    }

    /** Whether the machine has NBD devices and the client that binds them. */
    static boolean available() {
        return Files.exists(Path.of("/dev/nbd0")) && Tool.find("nbd-client").isPresent();
    }

    @Override
    public ActiveMount mount(MountRequest request) throws EngineException {
        if (request.mountPoint() == null) {
            throw new EngineException(ErrorCode.INVALID_ARGUMENT, "the kernel-nbd route needs a mount point");
        }
        Path dir = FilesystemMount.checkMountPoint(request.mountPoint());
        Tool.require("nbd-client", "to bind the export to /dev/nbdN", "nbd-client");
        SetUp setUp = new SetUp();
        try {
            String disk = freeDevice();
            Tool.check("nbd-client cannot connect " + disk + " to " + request.unit(), "nbd-client", "-unix",
                    request.nbdSocket().toString(), "-N", request.unit(), "-b", Integer.toString(request.sectorSize()),
                    disk);
            setUp.done("the NBD device " + disk, lazy -> {
                Tool.run("blockdev", "--flushbufs", disk);
                Tool.check("cannot disconnect " + disk, "nbd-client", "-d", disk);
            });
            if (request.readOnly()) {
                Tool.check("cannot make " + disk + " read-only", "blockdev", "--setro", disk);
            }
            if (Partitions.ensureScanned(disk)) {
                setUp.done("the partitions of " + disk, lazy -> Tool.run("partx", "-d", disk));
            }
            return BlockDevices.mountOn(request, disk, dir, kind(), List.of(), setUp);
        } catch (EngineException e) {
            throw setUp.rollBack(e);
        }
    }

    /** The first /dev/nbdN without a connection (no pid file in sysfs). */
    private static String freeDevice() throws EngineException {
        for (int n = 0; Files.exists(Path.of("/dev/nbd" + n)); n++) {
            if (!Files.exists(Path.of("/sys/block/nbd" + n + "/pid"))) {
                return "/dev/nbd" + n;
            }
        }
        throw new EngineException(ErrorCode.BUSY, "every /dev/nbdN is in use");
    }
}
