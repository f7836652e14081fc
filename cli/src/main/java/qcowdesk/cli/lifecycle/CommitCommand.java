package qcowdesk.cli.lifecycle;

import java.nio.file.Path;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import qcowdesk.cli.support.ExitCodes;
import qcowdesk.engine.qcow2.ops.Commit;

/** {@code qcowctl commit}: qemu-img commit into the immediate (qcow2) backing file. */
@Command(name = "commit", sortOptions = false, mixinStandardHelpOptions = true,
        description = {"Write what IMAGE holds into its backing file (qcow2), then empty IMAGE (-d keeps it), as "
                + "'qemu-img commit' does. Refused when the backing file is larger than IMAGE (it changed since "
                + "IMAGE was made), and while either image is in use. A crash leaves the guest's data intact."},
        footerHeading = "%nExamples:%n", footer = {"  qcowctl commit -p overlay.qcow2"})
public final class CommitCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Option(names = "-d", description = "Keep IMAGE's contents (do not empty it).")
    private boolean keep;

    @Option(names = "-p", description = "Show progress.")
    private boolean progress;

    @Option(names = "-q", description = "Quiet: print nothing on success.")
    private boolean quiet;

    @Parameters(paramLabel = "IMAGE")
    private Path image;

    @Override
    public Integer call() throws Exception {
        ProgressBar bar = ProgressBar.on(progress && !quiet, spec.commandLine().getOut());
        Commit.run(image, keep, bar, () -> false);
        bar.done();
        if (!quiet) {
            spec.commandLine().getOut().println("Image committed.");
        }
        return ExitCodes.OK;
    }
}
