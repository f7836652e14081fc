package qcowdesk.app.detach;

/** What the user chose when asked to confirm a detach. */
public enum DetachChoice {
    CANCEL,
    /** Detach only if no client is connected. */
    DETACH,
    /** Disconnect the clients, then detach. */
    FORCE,
    /** Unmount the device's filesystems (its only holders), then detach. */
    UNMOUNT_AND_DETACH,
    /** The file was deleted or renamed over: copy the still-open file somewhere first, then ask again. */
    SAVE_COPY
}
