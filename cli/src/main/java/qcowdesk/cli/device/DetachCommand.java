package qcowdesk.cli.device;

import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import qcowdesk.bridge.control.ControlClient;
import qcowdesk.cli.ExitCodes;

/** {@code qcowctl detach}: vnconfig -u, with -f to disconnect the clients first. */
@Command(name = "detach", sortOptions = false, mixinStandardHelpOptions = true,
        description = {"Detach a device: flush and close its image. A device with connected NBD clients is busy "
                + "and stays attached, unless -f disconnects them first (their requests in flight complete)."},
        footerHeading = "%nExamples:%n",
        footer = {"  qcowctl detach qcow0", "  qcowctl detach -f qcow1",
                "", "Exit status: 0 detached, 1 refused (busy, not attached, no owner), 2 usage error."})
public final class DetachCommand implements Callable<Integer> {

    @Option(names = {"-f", "--force"}, description = "Disconnect the device's clients, then detach.")
    private boolean force;

    @Mixin
    private DeviceTarget device;

    @Override
    public Integer call() throws Exception {
        try (ControlClient client = device.connect()) {
            client.detach(device.unit(), force);
        }
        return ExitCodes.OK;
    }
}
