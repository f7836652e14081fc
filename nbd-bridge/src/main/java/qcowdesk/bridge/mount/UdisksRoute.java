package qcowdesk.bridge.mount;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import qcowdesk.engine.EngineException;
import qcowdesk.engine.ErrorCode;

/**
 * For a desktop user without root: the FUSE file handed to udisks ({@code udisksctl loop-setup}, which polkit
 * allows for the active session as it does for GNOME Disks), then {@code udisksctl mount}. udisks chooses the
 * mount point ({@code /media/USER/LABEL} or {@code /run/media/USER/LABEL}) and cannot set a loop device's
 * sector size, so this route takes 512-byte devices only.
 */
final class UdisksRoute implements Route {

    private static final Pattern MAPPED = Pattern.compile("as (/dev/\\S+?)\\.?\\s*$");
    private static final Pattern MOUNTED = Pattern.compile("Mounted (\\S+) at (.+?)\\.?\\s*$");

    private final Path workDirectory;

    UdisksRoute(Path workDirectory) {
        this.workDirectory = workDirectory;
    }

    @Override
    public RouteKind kind() {
        return RouteKind.UDISKS;
    }

    @Override
    public ActiveMount mount(MountRequest request) throws EngineException {
        if (request.sectorSize() != 512) {
            throw new EngineException(ErrorCode.UNSUPPORTED, "udisks cannot give a loop device " + request.sectorSize()
                    + "-byte sectors: attach with 512-byte sectors, or mount as root (fuse-loop route)");
        }
        Tool.require("udisksctl", "to set up a loop device and mount without root", "udisks2");
        SetUp setUp = new SetUp();
        try {
            FuseExport fuse = FuseExport.start(request, workDirectory, setUp);
            List<String> loop = new ArrayList<>(List.of("udisksctl", "loop-setup", "--no-user-interaction", "-f",
                    fuse.file().toString()));
            if (request.readOnly()) {
                loop.add("-r");
            }
            Tool.Result mapped = Tool.run(Tool.DEFAULT_TIMEOUT, loop);
            Matcher m = MAPPED.matcher(mapped.stdout().strip());
            if (!mapped.ok() || !m.find()) {
                throw new EngineException(ErrorCode.UNSUPPORTED, "no udisks: udisksctl loop-setup failed: "
                        + mapped.complaint());
            }
            String disk = m.group(1);
            setUp.done("the udisks loop device " + disk, lazy -> Tool.check("udisks cannot delete " + disk,
                    "udisksctl", "loop-delete", "--no-user-interaction", "-b", disk));
            List<Integer> partitions = Partitions.of(disk);
            int partition = Partitions.choose(request.unit(), partitions, request.partition());
            String device = partition == 0 ? disk : Partitions.device(disk, partition);
            String type = FilesystemMount.probe(device);
            List<String> mount = new ArrayList<>(List.of("udisksctl", "mount", "--no-user-interaction", "-b", device));
            String options = FilesystemMount.options(type, request.readOnly(), request.options());
            if (!options.isEmpty()) {
                mount.addAll(List.of("-o", options));
            }
            Tool.Result mounted = Tool.run(Tool.DEFAULT_TIMEOUT, mount);
            Matcher where = MOUNTED.matcher(mounted.stdout().strip());
            if (!mounted.ok() || !where.find()) {
                throw new EngineException(ErrorCode.IO, "udisks cannot mount " + type + " from " + device + ": "
                        + mounted.complaint());
            }
            Path dir = Path.of(where.group(2));
            setUp.done("the udisks mount on " + dir, lazy -> {
                Tool.run("sync", "-f", dir.toString());
                // udisks' forced unmount is a lazy one
                Tool.check("udisks cannot unmount " + dir, "udisksctl", "unmount", "--no-user-interaction",
                        lazy ? "-f" : "--no-user-interaction", "-b", device);
            });
            return new ActiveMount(new MountedFs(request.unit(), partition, device, dir, kind(), request.readOnly(),
                    type, List.of(fuse.pid()), BlockDevices.devicesOf(disk, partitions)), setUp);
        } catch (EngineException e) {
            throw setUp.rollBack(e);
        }
    }
}
