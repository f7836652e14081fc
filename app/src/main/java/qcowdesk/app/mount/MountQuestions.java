package qcowdesk.app.mount;

import java.nio.file.Path;
import java.util.Optional;

import qcowdesk.engine.device.DeviceInfo;

/** How the mount flow asks the user; the view answers with a dialog, called on the FX thread. */
public interface MountQuestions {

    /** Which partition, where, and whether read-only; empty when the user cancels. */
    Optional<MountChoice> ask(DeviceInfo device, Path suggestedMountPoint);
}
