package qcowdesk.cli.device;

import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import qcowdesk.bridge.control.ControlClient;
import qcowdesk.cli.support.ExitCodes;

/** {@code qcowctl fname}: the image file name of a device, exactly as it was given to attach. */
@Command(name = "fname", mixinStandardHelpOptions = true,
        description = "Print the file name a device was attached with, exactly as given (a relative name stays "
                + "relative; it is not resolved).",
        footerHeading = "%nExample:%n", footer = "  qcowctl fname qcow0")
public final class FnameCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Mixin
    private DeviceTarget device;

    @Override
    public Integer call() throws Exception {
        try (ControlClient client = device.connect()) {
            spec.commandLine().getOut().println(client.fname(device.unit()));
        }
        return ExitCodes.OK;
    }
}
