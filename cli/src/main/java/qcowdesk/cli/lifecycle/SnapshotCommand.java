package qcowdesk.cli.lifecycle;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import qcowdesk.cli.device.OwnerOptions;
import qcowdesk.cli.support.CliFailure;
import qcowdesk.cli.support.ExitCodes;
import qcowdesk.engine.EngineException;
import qcowdesk.engine.device.DeviceInfo;
import qcowdesk.engine.ErrorCode;
import qcowdesk.cli.format.InfoText;
import qcowdesk.cli.format.InfoTree;
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
                        + "interruption leaves the image as it was or as asked. Refused for images marked corrupt "
                        + "(repair first). An image left dirty by a writer that stopped (lazy refcounts) is repaired "
                        + "first, as qemu-img does, with a note on stderr. Persistent dirty bitmaps are kept as they are.",
                "An image attached read-write by a running owner (the app or 'qcowctl daemon') gets its -c through "
                        + "the owner: the device is quiesced (requests in flight finish, new ones wait), flushed, "
                        + "snapshotted and reopened, and its NBD clients stay connected. -a and -d are refused "
                        + "while the image is attached, and every change while it is open in QEMU: detach first."},
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

    @Mixin
    private OwnerOptions owner;

    /** One offline change of the image file. */
    @FunctionalInterface
    private interface Change {
        void run() throws Exception;
    }

    @Override
    public Integer call() throws Exception {
        if (action.create != null) {
            return change(() -> InternalSnapshots.create(image, action.create, ProgressListener.NONE, () -> false,
                    spec.commandLine().getErr()::println),
                    true);
        }
        if (action.apply != null) {
            return change(() -> InternalSnapshots.apply(image, action.apply, ProgressListener.NONE, () -> false,
                    spec.commandLine().getErr()::println),
                    false);
        }
        if (action.delete != null) {
            return change(() -> InternalSnapshots.delete(image, action.delete, ProgressListener.NONE, () -> false,
                    spec.commandLine().getErr()::println),
                    false);
        }
        ImageInfo info = ImageInfo.of(image);
        spec.commandLine().getOut().print(new InfoText().snapshotTable(InfoTree.of(info).get("snapshots")));
        return ExitCodes.OK;
    }

    /**
     * Makes the change on the file; when the file is in use because a running owner has it attached read-write,
     * a create goes through that owner, and an apply or delete is refused saying so (they would change the disk
     * under the device's clients).
     */
    private int change(Change offline, boolean create) throws Exception {
        DeviceInfo reader = readerOf();
        if (reader != null) {
            // a read-only device takes no write lock, so the offline change would not see it as a user of the file
            throw new CliFailure(ExitCodes.REFUSED, image + " is in use (attached read-only as " + reader.unit()
                    + ", whose clients read its metadata as it is now); detach " + reader.unit() + " first");
        }
        try {
            offline.run();
            return ExitCodes.OK;
        } catch (EngineException e) {
            if (e.code() != ErrorCode.IN_USE) {
                throw e;
            }
            try (OwnedImage owned = ownerOf(e)) {
                if (owned == null) {
                    throw e;
                }
                String unit = owned.device().unit();
                if (!create) {
                    throw new CliFailure(ExitCodes.REFUSED, image + " is attached read-write as " + unit + "; "
                            + (action.apply != null ? "reverting to" : "deleting") + " a snapshot of an attached "
                            + "image is not done (only -c goes through the device owner): detach " + unit + " first");
                }
                owned.client().snapshot(unit, action.create);
                return ExitCodes.OK;
            }
        }
    }

    /** The running owner's read-only device of the image, or null (also when the owner cannot be asked). */
    private DeviceInfo readerOf() {
        try {
            return OwnedImage.reader(owner, image);
        } catch (IOException | RuntimeException e) {
            return null; // no owner to ask: the file's own locks decide, as for any other program
        }
    }

    /** The running owner's read-write device of the image, or null; {@code inUse} is the refusal to report else. */
    private OwnedImage ownerOf(EngineException inUse) {
        try {
            return OwnedImage.find(owner, image);
        } catch (IOException | RuntimeException e) {
            // an owner that cannot be asked: the image's being in use is still the answer
            inUse.addSuppressed(e);
            return null;
        }
    }
}
