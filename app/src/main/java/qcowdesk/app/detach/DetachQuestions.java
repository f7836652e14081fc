package qcowdesk.app.detach;

import java.util.List;

import qcowdesk.engine.device.DeviceInfo;
import qcowdesk.engine.device.TemporaryWrites;

/**
 * How the detach workflow asks the user; the view answers with dialogs, called on the FX thread.
 * Modelled on the ask-and-retry-with-force pattern: a plain detach first, force only when the user says so.
 */
public interface DetachQuestions {

    /**
     * Before detaching: detach, force (offered when clients are connected), save a copy (offered when
     * {@code lostFile}, what happened to the file, is not null), or cancel.
     */
    DetachChoice confirm(DeviceInfo device, String lostFile);

    /** Where to save a copy of the device's file (its name is lost); empty when the user cancels. */
    java.util.Optional<java.nio.file.Path> copyTarget(DeviceInfo device);

    /** The device turned out to be busy; {@code reason} is the engine's message. True means force. */
    boolean forceWhenBusy(DeviceInfo device, String reason);

    /**
     * The device turned out to be held; {@code reason} names the holders (clients with their processes, mount
     * points). {@code mountsOnly}: unmounting would release it, so "Unmount and detach" can be offered.
     */
    default DetachChoice whenBusy(DeviceInfo device, String reason, boolean mountsOnly) {
        return forceWhenBusy(device, reason) ? DetachChoice.FORCE : DetachChoice.CANCEL;
    }

    /**
     * A temporary device is being detached: discard its writes (the default), keep them as a new image, or commit
     * them into the image; empty when the user cancels.
     */
    default java.util.Optional<TemporaryWrites> temporaryWrites(DeviceInfo device) {
        return java.util.Optional.of(TemporaryWrites.discard());
    }

    /** Something the user should know about a detach that happened (e.g. an unmount was lazy). */
    default void tell(DeviceInfo device, List<String> notes) {
    }
}
