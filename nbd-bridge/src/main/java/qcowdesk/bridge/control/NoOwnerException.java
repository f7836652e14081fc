package qcowdesk.bridge.control;

import java.io.IOException;
import java.nio.file.Path;

/** Nothing owns the device table: no process listens on the control socket. */
public final class NoOwnerException extends IOException {

    public NoOwnerException(Path socket) {
        super("no QcowDesk owner is running (nothing listens on " + socket + "); start one with 'qcowctl daemon'"
                + " or the QcowDesk app");
    }
}
