package qcowdesk.cli.lifecycle;

import java.nio.file.Path;
import java.time.ZoneId;
import java.util.concurrent.Callable;

import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import qcowdesk.cli.support.ExitCodes;
import qcowdesk.cli.format.InfoText;
import qcowdesk.cli.format.QemuJson;
import qcowdesk.engine.qcow2.ops.InternalSnapshots;
import qcowdesk.engine.qcow2.tools.ImageInfo;
import qcowdesk.engine.qcow2.tools.ProgressListener;

/**
 * {@code qcowctl snapshot}: qemu-img snapshot's syntax and output (-c, -a and -d print nothing on success, as
 * qemu-img). Each change is one crash-safe switch to a new metadata generation ({@link InternalSnapshots}).
 */
@Command(name = "snapshot", sortOptions = false, mixinStandardHelpOptions = true,
        description = {"Internal snapshots, with qemu-img snapshot's syntax: -l lists them exactly as 'qemu-img "
                + "snapshot -l' does; -c creates, -a applies (reverts to), -d deletes one. NAME is looked up as an "
                + "id first, then as a name.",
                "Each change is written beside the current metadata and switched to with one header write: an "
                        + "interruption leaves the image as it was or as asked. Refused while the image is in use "
                        + "(attached, or open in QEMU), and for images marked corrupt (repair first). An image left "
                        + "dirty by a writer that stopped (lazy refcounts) is repaired first, as qemu-img does, with a "
                        + "note on stderr. Persistent dirty bitmaps are kept as they are."},
        footerHeading = "%nExamples:%n", footer = {"  qcowctl snapshot -l disk.qcow2",
                "  qcowctl snapshot -c before-upgrade disk.qcow2", "  qcowctl snapshot -a before-upgrade disk.qcow2",
                "  qcowctl snapshot -d before-upgrade disk.qcow2"})
public final class SnapshotCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @ArgGroup(multiplicity = "1")
    private Action action;

    static final class Action {
        @Option(names = "-l", description = "List the snapshots.")
        boolean list;
        @Option(names = "-c", paramLabel = "NAME", description = "Create a snapshot of the disk as it is now.")
        String create;
        @Option(names = "-a", paramLabel = "NAME", description = "Apply (revert to) a snapshot: the current state of the disk is discarded.")
        String apply;
        @Option(names = "-d", paramLabel = "NAME", description = "Delete a snapshot; what only it held becomes free space.")
        String delete;
    }

    @Parameters(paramLabel = "IMAGE")
    private Path image;

    @Override
    public Integer call() throws Exception {
        if (action.create != null) {
            InternalSnapshots.create(image, action.create, ProgressListener.NONE, () -> false,
                    spec.commandLine().getErr()::println);
            return ExitCodes.OK;
        }
        if (action.apply != null) {
            InternalSnapshots.apply(image, action.apply, ProgressListener.NONE, () -> false,
                    spec.commandLine().getErr()::println);
            return ExitCodes.OK;
        }
        if (action.delete != null) {
            InternalSnapshots.delete(image, action.delete, ProgressListener.NONE, () -> false,
                    spec.commandLine().getErr()::println);
            return ExitCodes.OK;
        }
        ImageInfo info = ImageInfo.of(image);
        spec.commandLine().getOut().print(new InfoText(ZoneId.systemDefault())
                .snapshotTable(QemuJson.tree(info).get("snapshots")));
        return ExitCodes.OK;
    }
}
