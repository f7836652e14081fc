package qcowdesk.cli.lifecycle;

import java.nio.file.Path;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import qcowdesk.cli.support.ExitCodes;
import qcowdesk.cli.format.HumanSize;
import qcowdesk.engine.qcow2.ops.Compact;
import qcowdesk.engine.qcow2.ops.CompactResult;

/** {@code qcowctl compact}: give the file back the space the guest does not use. */
@Command(name = "compact", sortOptions = false, mixinStandardHelpOptions = true,
        description = {"Rewrite a QCOW2 image so that the file holds only what the guest needs: data clusters that "
                + "hold only zeros are dropped (or become zero clusters over a backing file), free and leaked "
                + "clusters disappear, compressed clusters stay compressed.",
                "The new file is built beside the image, checked and compared with it, and renamed over it with "
                        + "the same mode and owner only then: an interruption leaves the image as it was. Refused "
                        + "for images with internal snapshots, bitmaps or an external data file, and while the "
                        + "image is in use."},
        footerHeading = "%nExamples:%n",
        footer = {"  qcowctl compact --dry-run disk.qcow2", "  qcowctl compact -p disk.qcow2"})
public final class CompactCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Option(names = {"-n", "--dry-run"}, description = "Build and verify the compacted image, report, keep nothing.")
    private boolean dryRun;

    @Option(names = "-p", description = "Show progress.")
    private boolean progress;

    @Parameters(paramLabel = "IMAGE")
    private Path image;

    @Override
    public Integer call() throws Exception {
        ProgressBar bar = ProgressBar.on(progress, spec.commandLine().getErr());
        CompactResult r = Compact.run(image, dryRun, bar, () -> false);
        bar.done();
        String sizes = HumanSize.format(r.oldFileSize()) + " -> " + HumanSize.format(r.newFileSize())
                + " (" + (r.saved() >= 0 ? "saves " + HumanSize.format(r.saved())
                : "grows by " + HumanSize.format(-r.saved())) + "); "
                + r.zeroDataClusters() + " data cluster(s) held only zeros";
        spec.commandLine().getOut().println((dryRun ? "would compact " : "compacted ") + image + ": " + sizes);
        return ExitCodes.OK;
    }
}
