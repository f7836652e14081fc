package qcowdesk.cli.image;

import java.nio.file.Path;
import java.time.ZoneId;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import qcowdesk.cli.ExitCodes;
import qcowdesk.cli.args.OutputFormat;
import qcowdesk.cli.format.InfoText;
import qcowdesk.cli.format.QemuJson;
import qcowdesk.engine.qcow2.tools.ImageInfo;

/** {@code qcowctl info}: what {@code qemu-img info} says about an image, in its words or its JSON. */
@Command(name = "info", mixinStandardHelpOptions = true,
        description = "Describe a QCOW2 image: virtual size, disk size, cluster size, backing file and the qcow2 "
                + "header details, as 'qemu-img info' prints them (--json: as 'qemu-img info --output=json').",
        footerHeading = "%nExamples:%n", footer = {"  qcowctl info disk.qcow2", "  qcowctl info --json disk.qcow2"})
public final class InfoCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Mixin
    private OutputFormat output;

    @Parameters(paramLabel = "IMAGE", description = "The image file.")
    private Path image;

    @Override
    public Integer call() throws Exception {
        ImageInfo info = ImageInfo.of(image);
        if (output.json()) {
            spec.commandLine().getOut().println(QemuJson.pretty(info));
        } else {
            spec.commandLine().getOut().print(new InfoText(ZoneId.systemDefault()).render(QemuJson.tree(info)));
        }
        return ExitCodes.OK;
    }
}
