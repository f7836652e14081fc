package qcowdesk.cli.image;

import java.nio.file.Path;

import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
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

/** {@code qcowctl info}: what {@code qemu-img info} says about an image, in its words or its JSON. */
@Command(name = "info", mixinStandardHelpOptions = true,
        description = "Describe a QCOW2 image (or, as qemu-img does, a raw file: its size and disk usage): virtual size, disk size, cluster size, backing file and the qcow2 "
                + "header details, as 'qemu-img info' prints them (--json: as 'qemu-img info --output=json'). "
                + "The text form ends with every file the image opens (backing chain, data files) and, for each "
                + "file that attach would refuse without --allow-external-files, why.",
        footerHeading = "%nExamples:%n", footer = {"  qcowctl info disk.qcow2", "  qcowctl info --json disk.qcow2"})
public final class InfoCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Mixin
    private OutputFormat output;

    @Option(names = "--space", description = "Where the space goes: guest data, all-zero data clusters, metadata, "
            + "leaked and free clusters, what only snapshots hold, what the backing chain provides.")
    private boolean space;

    @Option(names = "--backing-chain", description = "Describe the image and every backing file under it, as "
            + "'qemu-img info --backing-chain' does.")
    private boolean backingChain;

    @Parameters(paramLabel = "IMAGE", description = "The image file.")
    private Path image;

    @Override
    public Integer call() throws Exception {
        if (space) {
            SpaceReport report = Space.of(image, ProgressListener.NONE);
            spec.commandLine().getOut().print(output.json() ? SpaceText.json(report) : SpaceText.human(report));
            return ExitCodes.OK;
        }
        if (backingChain) {
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
