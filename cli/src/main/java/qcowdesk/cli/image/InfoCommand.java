package qcowdesk.cli.image;

import java.nio.file.Path;

import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import qcowdesk.cli.support.CommandModel;
import qcowdesk.cli.support.ExitCodes;
import qcowdesk.cli.args.OutputFormat;
import qcowdesk.cli.format.ChainText;
import qcowdesk.cli.format.InfoText;
import qcowdesk.cli.format.InfoTree;
import qcowdesk.cli.format.QemuJsonWriter;
import qcowdesk.cli.format.SpaceText;
import qcowdesk.engine.qcow2.ops.DiskFormat;
import qcowdesk.engine.qcow2.ops.Space;
import qcowdesk.engine.qcow2.ops.SpaceReport;
import qcowdesk.engine.qcow2.ChainFile;
import qcowdesk.engine.qcow2.ImageChain;
import qcowdesk.engine.qcow2.tools.ImageInfo;
import qcowdesk.engine.qcow2.tools.ProgressListener;

/**
 * {@code qcowctl info}: what {@code qemu-img info} says about an image, in its words or its JSON. Its picocli model
 * is built in code ({@link CommandModel}: the most used short command starts without annotation reflection).
 */
public final class InfoCommand implements Callable<Integer> {

    private final CommandSpec spec;
    private final OutputFormat output;
    private final OptionSpec space;
    private final OptionSpec backingChain;
    private final PositionalParamSpec imageParameter;

    private InfoCommand() {
        spec = CommandModel.of(this, "info");
        spec.usageMessage()
                .description("Describe a QCOW2 image (or, as qemu-img does, a raw file: its size and disk usage): "
                        + "virtual size, disk size, cluster size, backing file and the qcow2 "
                        + "header details, as 'qemu-img info' prints them (--json: as 'qemu-img info --output=json'). "
                        + "The text form ends with every file the image opens (backing chain, data files) and, for "
                        + "each file that attach would refuse without --allow-external-files, why.")
                .footerHeading("%nExamples:%n")
                .footer("  qcowctl info disk.qcow2", "  qcowctl info --json disk.qcow2");
        CommandModel.addStandardHelp(spec);
        output = OutputFormat.addTo(spec);
        space = CommandModel.flag(spec, "Where the space goes: guest data, all-zero data clusters, metadata, "
                + "leaked and free clusters, what only snapshots hold, what the backing chain provides.", "--space");
        backingChain = CommandModel.flag(spec, "Describe the image and every backing file under it, as "
                + "'qemu-img info --backing-chain' does.", "--backing-chain");
        imageParameter = CommandModel.parameter(spec, Path.class, "1", "IMAGE", "The image file.");
    }

    /** The command's picocli model; parsing it fills a new command. */
    public static CommandSpec model() {
        return new InfoCommand().spec;
    }

    @Override
    public Integer call() throws Exception {
        Path image = imageParameter.getValue();
        if (CommandModel.isSet(space)) {
            SpaceReport report = Space.of(image, ProgressListener.NONE);
            spec.commandLine().getOut().print(output.json() ? SpaceText.json(report) : SpaceText.human(report));
            return ExitCodes.OK;
        }
        if (CommandModel.isSet(backingChain)) {
            List<Map<String, Object>> chain = BackingChain.describe(image);
            spec.commandLine().getOut().print(output.json() ? QemuJsonWriter.pretty(chain) + "\n"
                    : BackingChain.text(chain));
            return ExitCodes.OK;
        }
        // Both forms come from the info's tree without Jackson's data binding, and the local time zone is read
        // only for a snapshot table: a plain info is a short command, and those were most of its run time.
        if (DiskFormat.probe(image) == DiskFormat.RAW) {
            // as qemu-img: a file without the QCOW2 magic is described as raw (its size, its disk usage)
            Map<String, Object> raw = InfoTree.of(ImageInfo.ofRaw(image));
            spec.commandLine().getOut().print(output.json() ? QemuJsonWriter.pretty(raw) + "\n"
                    : new InfoText().render(raw));
            return ExitCodes.OK;
        }
        ImageInfo info = ImageInfo.of(image);
        Map<String, Object> tree = InfoTree.of(info);
        if (output.json()) {
            spec.commandLine().getOut().println(QemuJsonWriter.pretty(tree));
        } else {
            spec.commandLine().getOut().print(new InfoText().render(tree));
            if (namesOtherFiles(info)) {
                // after qemu-img's text, which stays word for word: every file an attach would open, and why any
                // of them would be refused
                List<ChainFile> chain = ImageChain.describe(image);
                if (chain.size() > 1) {
                    spec.commandLine().getOut().print(ChainText.render(chain));
                }
            }
        }
        return ExitCodes.OK;
    }

    /** A backing file or an external data file: the only files besides itself that an image opens. */
    private static boolean namesOtherFiles(ImageInfo info) {
        return info.backingFilename() != null
                || (info.formatSpecific() != null && info.formatSpecific().data() != null
                    && info.formatSpecific().data().dataFile() != null);
    }
}
