package qcowdesk.cli.device;

import java.time.ZoneId;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import qcowdesk.bridge.control.ControlClient;
import qcowdesk.cli.support.ExitCodes;
import qcowdesk.cli.format.AccountNames;
import qcowdesk.cli.format.QemuJson;
import qcowdesk.cli.format.StatText;
import qcowdesk.engine.device.FileStat;

/** {@code qcowctl stat}: fstat(2) of a device's open image file, printed like stat(1). */
@Command(name = "stat", mixinStandardHelpOptions = true,
        description = {"Print the status of the image file a device holds open, like stat(1): device, inode, mode, "
                + "links, owner, size, blocks, times.",
                "It describes the open file itself, so it stays true after the file was renamed or replaced."},
        footerHeading = "%nExamples:%n", footer = {"  qcowctl stat qcow0", "  qcowctl stat --json qcow0"})
public final class StatCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Option(names = "--json", description = "Print the fields as JSON.")
    private boolean json;

    @Mixin
    private DeviceTarget device;

    @Override
    public Integer call() throws Exception {
        try (ControlClient client = device.connect()) {
            FileStat stat = client.stat(device.unit());
            if (json) {
                spec.commandLine().getOut().println(QemuJson.pretty(stat));
            } else {
                String name = client.fname(device.unit());
                spec.commandLine().getOut().print(new StatText(AccountNames.fromSystem(), ZoneId.systemDefault())
                        .render(name, stat));
            }
        }
        return ExitCodes.OK;
    }
}
