package qcowdesk.app.devices;

/**
 * How the detach workflow asks the user; the view answers with dialogs, called on the FX thread.
 * Modelled on the ask-and-retry-with-force pattern: a plain detach first, force only when the user says so.
 */
public interface DetachQuestions {

    /** Before detaching: detach, force (offered when clients are connected), or cancel. */
    DetachChoice confirm(DeviceRow device);

    /** The device turned out to be busy; {@code reason} is the engine's message. True means force. */
    boolean forceWhenBusy(DeviceRow device, String reason);
}
