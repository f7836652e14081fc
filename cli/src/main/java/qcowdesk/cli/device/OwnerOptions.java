package qcowdesk.cli.device;

import java.io.IOException;
import java.nio.file.Path;

import picocli.CommandLine.Option;
import qcowdesk.bridge.RuntimeDirectory;
import qcowdesk.bridge.control.ControlClient;
import qcowdesk.bridge.control.NoOwnerException;
import qcowdesk.cli.support.CliFailure;
import qcowdesk.cli.support.ExitCodes;

/** How a device command finds the owner of the device table: the user's control socket, or the one named. */
public final class OwnerOptions {

    @Option(names = "--socket", paramLabel = "PATH",
            description = "Control socket of the owner (default: control.sock in the user's runtime directory, "
                    + "$QCOWDESK_RUNTIME_DIR or $XDG_RUNTIME_DIR/qcowdesk).")
    Path socket;

    /** Connects to the owner, or returns null when none listens. */
    public ControlClient connectIfRunning() throws IOException {
        try {
            return ControlClient.connect(socket != null ? socket : RuntimeDirectory.forCurrentUser().controlSocket());
        } catch (NoOwnerException e) {
            return null;
        }
    }

    /** Connects to the owner; when none listens, fails saying so and how to start one. */
    public ControlClient connect() throws IOException {
        Path control = socket != null ? socket : RuntimeDirectory.forCurrentUser().controlSocket();
        try {
            return ControlClient.connect(control);
        } catch (NoOwnerException e) {
            throw new CliFailure(ExitCodes.REFUSED, "no QcowDesk device owner is running (nothing listens on "
                    + control + "); start one with 'qcowctl daemon &' or the QcowDesk app", e);
        }
    }
}
