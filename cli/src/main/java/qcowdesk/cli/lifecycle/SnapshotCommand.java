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
import qcowdesk.cli.ExitCodes;
import qcowdesk.cli.format.InfoText;
import qcowdesk.cli.format.QemuJson;
import qcowdesk.engine.EngineException;
import qcowdesk.engine.ErrorCode;
import qcowdesk.engine.qcow2.tools.ImageInfo;

/**
 * {@code qcowctl snapshot}: qemu-img snapshot's syntax. Listing is done; creating, applying and deleting internal
 * snapshots are refused with a clear message until the engine writes snapshot tables.
 */
@Command(name = "snapshot", sortOptions = false, mixinStandardHelpOptions = true,
        description = {"Internal snapshots, with qemu-img snapshot's syntax: -l lists them exactly as 'qemu-img "
                + "snapshot -l' does. -c, -a and -d (create, apply, delete) are not available yet and say so."},
        footerHeading = "%nExamples:%n", footer = {"  qcowctl snapshot -l disk.qcow2"})
public final class SnapshotCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @ArgGroup(multiplicity = "1")
    private Action action;

    static final class Action {
        @Option(names = "-l", description = "List the snapshots.")
        boolean list;
        @Option(names = "-c", paramLabel = "NAME", description = "Create a snapshot (not available yet).")
        String create;
        @Option(names = "-a", paramLabel = "NAME", description = "Apply (revert to) a snapshot (not available yet).")
        String apply;
        @Option(names = "-d", paramLabel = "NAME", description = "Delete a snapshot (not available yet).")
        String delete;
    }

    @Parameters(paramLabel = "IMAGE")
    private Path image;

    @Override
    public Integer call() throws Exception {
        if (!action.list) {
            throw new EngineException(ErrorCode.UNSUPPORTED, "creating, applying and deleting internal snapshots "
                    + "is not available yet; use 'qemu-img snapshot' on an image that is not attached");
        }
        ImageInfo info = ImageInfo.of(image);
        spec.commandLine().getOut().print(new InfoText(ZoneId.systemDefault())
                .snapshotTable(QemuJson.tree(info).get("snapshots")));
        return ExitCodes.OK;
    }
}
