package qcowdesk.cli.device;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import qcowdesk.bridge.control.ControlClient;
import qcowdesk.cli.support.ExitCodes;
import qcowdesk.cli.format.QemuJson;
import qcowdesk.engine.device.DeviceInfo;

/** {@code qcowctl list} (also {@code qcowctl -l}): the attached devices, vnconfig -l style. */
@Command(name = "list", mixinStandardHelpOptions = true,
        description = "List the attached devices: unit, mode (rw or ro), sector size, connected clients, size and "
                + "file name. Prints nothing when no device is attached.",
        footerHeading = "%nExamples:%n", footer = {"  qcowctl list", "  qcowctl -l", "  qcowctl list --json"})
public final class ListCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Option(names = "--json", description = "Print the devices as a JSON array.")
    private boolean json;

    @Mixin
    private OwnerOptions owner = new OwnerOptions();

    @Override
    public Integer call() throws Exception {
        List<DeviceInfo> devices;
        try (ControlClient client = owner.connect()) {
            devices = client.list();
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(QemuJson.pretty(devices));
        } else if (!devices.isEmpty()) {
            out.print(DeviceTableText.render(devices));
        }
        return ExitCodes.OK;
    }
}
