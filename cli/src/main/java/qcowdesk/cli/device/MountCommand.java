package qcowdesk.cli.device;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import qcowdesk.bridge.control.ControlClient;
import qcowdesk.bridge.mount.MountRequest;
import qcowdesk.bridge.mount.MountedFs;
import qcowdesk.cli.support.ExitCodes;
import qcowdesk.cli.args.SectorSizeOptions;

/** {@code qcowctl mount}: a device's filesystem in a folder, by the best route the machine has. */
@Command(name = "mount", sortOptions = false, mixinStandardHelpOptions = true,
        customSynopsis = {"qcowctl mount [-r] [-o OPTS] [-t ROUTE] [-s N | --sector-size BYTES] [--socket PATH]",
                "              qcowN|IMAGE [PART] DIR",
                "qcowctl mount                  (list the mounts)"},
        description = {"Mount a filesystem of a device on DIR through the device owner, which keeps the mount (it "
                + "outlives this command) until 'qcowctl umount'. PART is a partition number (0: the whole disk); "
                + "without it the only partition is mounted, or the whole disk when there is no partition table.",
                "Given an IMAGE instead of a unit, the image is attached first and detached after its unmount.",
                "Routes, best first: kernel-nbd (root, /dev/nbdN and nbd-client), fuse-loop (root: nbdfuse and a "
                        + "loop device with the device's sector size), udisks (a desktop user: nbdfuse, udisksctl "
                        + "loop-setup and mount; udisks picks the mount point). The route taken is printed."},
        footerHeading = "%nExamples:%n",
        footer = {"  qcowctl mount disk.qcow2 /mnt/disk        # attach, mount the only partition",
                "  qcowctl mount -r qcow0 2 /mnt/p2           # partition 2, read-only",
                "  qcowctl mount -t udisks qcow1              # as a desktop user",
                "",
                "Exit status: 0 mounted; 1 refused (no route, no filesystem the kernel can mount, mount point",
                "in use, ...); 2 usage error."})
public final class MountCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Option(names = {"-r", "--read-only"}, description = "Mount read-only (ext3/ext4 also with noload, so that no "
            + "journal is replayed). A read-only device always mounts read-only.")
    private boolean readOnly;

    @Option(names = {"-o", "--options"}, paramLabel = "OPTS", description = "Extra mount options, comma separated.")
    private String options;

    @Option(names = {"-t", "--route"}, paramLabel = "ROUTE", description = "kernel-nbd, fuse-loop or udisks "
            + "(default: the best the machine has).")
    private String route;

    @ArgGroup(exclusive = true)
    private SectorSizeOptions sectorSize = new SectorSizeOptions();

    @Mixin
    private OwnerOptions owner = new OwnerOptions();

    @Parameters(arity = "0..3", paramLabel = "ARGS", hideParamSyntax = true,
            description = "qcowN|IMAGE [PART] DIR (DIR may be left out with -t udisks).")
    private List<String> arguments = List.of();

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        try (ControlClient client = owner.connect()) {
            if (arguments.isEmpty()) {
                client.mounts().forEach(m -> out.println(m.describe()));
                return ExitCodes.OK;
            }
            boolean udisks = "udisks".equals(route);
            if (arguments.size() < 2 && !udisks) {
                throw new ParameterException(spec.commandLine(), "missing the mount point DIR");
            }
            String target = arguments.get(0);
            String dir = udisks && arguments.size() == 1 ? null : arguments.get(arguments.size() - 1);
            int partition = arguments.size() == 3 ? partition(arguments.get(1)) : MountRequest.ONLY_PARTITION;
            if (udisks && arguments.size() == 2 && arguments.get(1).matches("\\d+")) {
                partition = partition(arguments.get(1));
                dir = null;
            }
            boolean image = Files.isRegularFile(Path.of(target));
            String unit = image ? client.attach(target, readOnly, sectorSize.secBits(spec.commandLine()), null).unit()
                    : new UnitName().convert(target);
            MountedFs mounted;
            try {
                mounted = client.mount(new ControlClient.Mount(unit, partition, dir, readOnly, options, route, image));
            } catch (Exception e) {
                if (image) {
                    client.detach(unit, false);
                }
                throw e;
            }
            out.println(mounted.describe());
        }
        return ExitCodes.OK;
    }

    private int partition(String text) {
        if (!text.matches("\\d{1,3}")) {
            throw new ParameterException(spec.commandLine(), "'" + text + "' is not a partition number (1, 2, ...; "
                    + "0 for the whole disk)");
        }
        return Integer.parseInt(text);
    }
}
