package qcowdesk.cli.image;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import qcowdesk.cli.support.ExitCodes;
import qcowdesk.cli.args.ExternalFilesOption;
import qcowdesk.cli.args.OutputFormat;
import qcowdesk.cli.format.MapOutput;
import qcowdesk.engine.MapEntry;
import qcowdesk.engine.qcow2.OpenOptions;
import qcowdesk.engine.qcow2.tools.ImageMapper;
import qcowdesk.engine.qcow2.tools.ProgressListener;

/** {@code qcowctl map}: where each range of the guest disk lives, as {@code qemu-img map} reports it. */
@Command(name = "map", mixinStandardHelpOptions = true,
        description = {"Show where the guest data of an image lives: which ranges are allocated, in which file of "
                + "the backing chain and at which offset, which read as zeros.",
                "The table lists the ranges that hold data (as 'qemu-img map'); --json lists every range with its "
                        + "depth, present, zero and data flags (as 'qemu-img map --output=json')."},
        footerHeading = "%nExamples:%n", footer = {"  qcowctl map disk.qcow2", "  qcowctl map --json overlay.qcow2"})
public final class MapCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Mixin
    private OutputFormat output;

    @Mixin
    private ExternalFilesOption externalFiles;

    @Parameters(paramLabel = "IMAGE", description = "The image file.")
    private Path image;

    @Override
    public Integer call() throws Exception {
        List<MapEntry> entries = ImageMapper.map(image,
                OpenOptions.readOnly().withExternalFilesAllowed(externalFiles.allowed()), ProgressListener.NONE);
        MapOutput map = new MapOutput(new BackingChainNames(image)::nameAt);
        spec.commandLine().getOut().print(output.json() ? map.json(entries) : map.human(entries));
        return ExitCodes.OK;
    }
}
