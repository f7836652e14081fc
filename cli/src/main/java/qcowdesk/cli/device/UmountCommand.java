package qcowdesk.cli.device;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import qcowdesk.bridge.control.ControlClient;
import qcowdesk.bridge.control.MountService;
import qcowdesk.cli.support.CliFailure;
import qcowdesk.cli.support.ExitCodes;
import qcowdesk.engine.device.DeviceInfo;
import qcowdesk.engine.device.FileStat;

/** {@code qcowctl umount}: undo a mount, in reverse order, flushing at each step. */
@Command(name = "umount", sortOptions = false, mixinStandardHelpOptions = true,
        description = {"Unmount a mount made by 'qcowctl mount' or the app: the filesystem is synced and unmounted, "
                + "then the loop device (or NBD device) flushed and removed, then the FUSE export flushed and stopped.",
                "Given a unit, all its mounts are unmounted; given an IMAGE, the unit it is attached as, which is "
                        + "then detached. A device attached by 'qcowctl mount IMAGE' is detached after its unmount."},
        footerHeading = "%nExamples:%n",
        footer = {"  qcowctl umount /mnt/disk", "  qcowctl umount qcow0", "  qcowctl umount disk.qcow2",
                "", "Exit status: 0 unmounted; 1 refused (in use, not mounted, no owner); 2 usage error."})
public final class UmountCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Mixin
    private OwnerOptions owner = new OwnerOptions();

    @Parameters(paramLabel = "DIR|qcowN|IMAGE", description = "A mount point, a unit, or an attached image file.")
    private String target;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Path path = Path.of(target);
        try (ControlClient client = owner.connect()) {
            if (Files.isDirectory(path)) {
                report(out, client.unmount(path.toAbsolutePath().normalize().toString()));
            } else if (Files.isRegularFile(path)) {
                String unit = unitOf(client, path);
                MountService.Unmounted done = client.unmount(unit);
                report(out, done);
                if (!done.detached().contains(unit)) {
                    client.detach(unit, false);
                    out.println("detached " + unit);
                }
            } else {
                report(out, client.unmount(new UnitName().convert(target)));
            }
        }
        return ExitCodes.OK;
    }

    private static void report(PrintWriter out, MountService.Unmounted done) {
        done.mounts().forEach(m -> out.println("unmounted " + m.mountPoint() + " (" + m.unit() + ")"));
        done.notes().forEach(out::println);
        done.detached().forEach(unit -> out.println("detached " + unit));
    }

    /** The unit that has {@code image} open: the same file (device and inode), whatever name it was given as. */
    private static String unitOf(ControlClient client, Path image) throws Exception {
        long dev = ((Number) Files.getAttribute(image, "unix:dev")).longValue();
        long ino = ((Number) Files.getAttribute(image, "unix:ino")).longValue();
        for (DeviceInfo device : client.list()) {
            FileStat stat = client.stat(device.unit());
            if (stat.dev() == dev && stat.ino() == ino) {
                return device.unit();
            }
        }
        throw new CliFailure(ExitCodes.REFUSED, image + " is not attached");
    }
}
