package qcowdesk.cli.device;

import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import qcowdesk.bridge.control.ControlClient;
import qcowdesk.cli.ExitCodes;

/** {@code qcowctl detach}: vnconfig -u, with -f to disconnect the clients first. */
@Command(name = "detach", sortOptions = false, mixinStandardHelpOptions = true,
        description = {"Detach a device: flush and close its image. A device with connected NBD clients or mounted "
                + "filesystems is busy and stays attached; the refusal names each client (its process, or TCP "
                + "address) and each mount point. -u unmounts first; -f unmounts (lazily if it must) and "
                + "disconnects the clients first (their requests in flight complete)."},
        footerHeading = "%nExamples:%n",
        footer = {"  qcowctl detach qcow0", "  qcowctl detach -u qcow0", "  qcowctl detach -f qcow1",
                "", "Exit status: 0 detached, 1 refused (busy, not attached, no owner), 2 usage error."})
public final class DetachCommand implements Callable<Integer> {

    @Option(names = {"-f", "--force"}, description = "Unmount the device's filesystems (lazily if they are in use, "
            + "saying so), disconnect its clients, then detach.")
    private boolean force;

    @Option(names = {"-u", "--unmount"}, description = "Unmount the device's filesystems first, then detach (refused "
            + "if other clients hold it).")
    private boolean unmount;

    @Spec
    private CommandSpec spec;

    @Mixin
    private DeviceTarget device;

    @Override
    public Integer call() throws Exception {
        try (ControlClient client = device.connect()) {
            client.detach(device.unit(), force, unmount).forEach(spec.commandLine().getOut()::println);
        }
        return ExitCodes.OK;
    }
}
