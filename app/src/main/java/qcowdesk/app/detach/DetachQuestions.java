package qcowdesk.app.detach;

import qcowdesk.engine.device.DeviceInfo;
/**
 * How the detach workflow asks the user; the view answers with dialogs, called on the FX thread.
 * Modelled on the ask-and-retry-with-force pattern: a plain detach first, force only when the user says so.
 */
public interface DetachQuestions {

    /** Before detaching: detach, force (offered when clients are connected), or cancel. */
    DetachChoice confirm(DeviceInfo device);

    /** The device turned out to be busy; {@code reason} is the engine's message. True means force. */
    boolean forceWhenBusy(DeviceInfo device, String reason);
}
