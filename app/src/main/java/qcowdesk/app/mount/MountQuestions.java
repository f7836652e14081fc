package qcowdesk.app.mount;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import qcowdesk.engine.device.DeviceInfo;

/** How the mount flow asks the user; the view answers with a dialog, called on the FX thread. */
public interface MountQuestions {

    /** Which of {@code targets}, where, and whether read-only; empty when the user cancels. */
    Optional<MountChoice> ask(DeviceInfo device, List<MountTarget> targets, Path suggestedMountPoint);
}
