package qcowdesk.cli.device;

import java.nio.file.Path;
import java.util.concurrent.Callable;

import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import qcowdesk.bridge.control.ControlClient;
import qcowdesk.cli.support.ExitCodes;
import qcowdesk.engine.device.TemporaryWrites;

/** {@code qcowctl detach}: vnconfig -u, with -f to disconnect the clients first. */
@Command(name = "detach", sortOptions = false, mixinStandardHelpOptions = true,
        description = {"Detach a device: flush and close its image. A device with connected NBD clients or mounted "
                + "filesystems is busy and stays attached; the refusal names each client (its process, or TCP "
                + "address) and each mount point. -u unmounts first; -f unmounts (lazily if it must) and "
                + "disconnects the clients first (their requests in flight complete)."},
        footerHeading = "%nExamples:%n",
        footer = {"  qcowctl detach qcow0", "  qcowctl detach -u qcow0", "  qcowctl detach -f qcow1",
                "  qcowctl detach --keep kept.qcow2 qcow2   # a temporary device's writes as a new image",
                "  qcowctl detach --commit qcow2            # ... or written into its image",
                "",
                "A temporary device (attach -t) loses its writes at detach unless --keep or --commit is given.",
                "--keep FILE makes FILE a new qcow2 overlay backed by the image's absolute path (the image",
                "must stay where it is); --commit rewrites the image.",
                "", "Exit status: 0 detached, 1 refused (busy, not attached, no owner), 2 usage error."})
public final class DetachCommand implements Callable<Integer> {

    @Option(names = {"-f", "--force"}, description = "Unmount the device's filesystems (lazily if they are in use, "
            + "saying so), disconnect its clients, then detach.")
    private boolean force;

    @Option(names = {"-u", "--unmount"}, description = "Unmount the device's filesystems first, then detach (refused "
            + "if other clients hold it).")
    private boolean unmount;

    @ArgGroup(exclusive = true)
    private Writes writes;

    /** What becomes of a temporary device's writes. */
    static final class Writes {
        @Option(names = "--discard", description = "A temporary device's writes are thrown away (the default).")
        boolean discard;

        @Option(names = "--keep", paramLabel = "FILE", description = "Keep a temporary device's writes as the new "
                + "image FILE (which must not exist): a qcow2 overlay backed by the image.")
        Path keep;

        @Option(names = "--commit", description = "Write a temporary device's writes into its image.")
        boolean commit;

        TemporaryWrites toTemporaryWrites() {
            return keep != null ? TemporaryWrites.keep(keep.toAbsolutePath())
                    : commit ? TemporaryWrites.commit() : TemporaryWrites.discard();
        }
    }

    @Spec
    private CommandSpec spec;

    @Mixin
    private DeviceTarget device;

    @Override
    public Integer call() throws Exception {
        try (ControlClient client = device.connect()) {
            client.detach(device.unit(), force, unmount, writes == null ? null : writes.toTemporaryWrites())
                    .forEach(spec.commandLine().getOut()::println);
        }
        return ExitCodes.OK;
    }
}
