package qcowdesk.cli.lifecycle;

import java.nio.file.Path;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import qcowdesk.cli.support.ExitCodes;
import qcowdesk.engine.qcow2.ops.DiskFormat;
import qcowdesk.engine.qcow2.ops.Rebase;

/** {@code qcowctl rebase}: qemu-img rebase, safe by default. */
@Command(name = "rebase", sortOptions = false, mixinStandardHelpOptions = true,
        description = {"Make BACKING the backing file of IMAGE ('' for none). By default the guest keeps seeing the "
                + "same disk: every cluster IMAGE leaves to its backing chain that reads differently through BACKING "
                + "is first copied into IMAGE. With -u only the header changes (for a backing file that was moved "
                + "or renamed). Refused when the old backing file is larger than IMAGE (it changed since IMAGE was "
                + "made), and while IMAGE is in use."},
        footerHeading = "%nExamples:%n",
        footer = {"  qcowctl rebase -b new-base.qcow2 -F qcow2 overlay.qcow2",
                "  qcowctl rebase -u -b moved/base.qcow2 -F qcow2 overlay.qcow2",
                "  qcowctl rebase -b '' overlay.qcow2          # make it standalone"})
public final class RebaseCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Option(names = "-u", description = "Unsafe: change the header only.")
    private boolean unsafe;

    @Option(names = "-b", required = true, paramLabel = "BACKING",
            description = "The new backing file, relative to IMAGE's directory; '' for none.")
    private String backing;

    @Option(names = "-F", paramLabel = "FMT", description = "Format of BACKING: qcow2 or raw (default: probed).")
    private String backingFormat;

    @Option(names = "-p", description = "Show progress.")
    private boolean progress;

    @Parameters(paramLabel = "IMAGE")
    private Path image;

    @Override
    public Integer call() throws Exception {
        ProgressBar bar = ProgressBar.on(progress, spec.commandLine().getOut());
        Rebase.run(image, backing.isEmpty() ? null : backing,
                backingFormat == null ? null : DiskFormat.named(backingFormat), unsafe, bar, () -> false);
        bar.done();
        return ExitCodes.OK;
    }
}
