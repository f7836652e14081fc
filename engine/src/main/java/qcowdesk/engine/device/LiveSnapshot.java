package qcowdesk.engine.device;

import java.io.IOException;

import qcowdesk.engine.EngineException;
import qcowdesk.engine.ErrorCode;
import qcowdesk.engine.VirtualDisk;

/**
 * An internal snapshot of a device attached read-write, taken by its owner without disconnecting its clients: the
 * device is quiesced (requests in flight finish, new ones wait), its image flushed and closed, the snapshot created
 * on the file exactly as offline ({@link DiskOpener#createSnapshot}), and the image reopened with the options of the
 * attach; then the waiting requests go on against the reopened image. The image must be closed for the snapshot:
 * an open image caches L1/L2 tables and refcounts that the snapshot's new metadata generation makes stale.
 */
final class LiveSnapshot {

    private final DiskOpener opener;

    LiveSnapshot(DiskOpener opener) {
        this.opener = opener;
    }

    /**
     * Takes snapshot {@code name} of {@code device}. When the snapshot itself fails, the image is reopened
     * unchanged and the failure reported; the device carries on either way.
     */
    void take(AttachedDevice device, String name) throws EngineException {
        if (name == null || name.isEmpty()) {
            throw new EngineException(ErrorCode.INVALID_ARGUMENT, "a snapshot needs a name");
        }
        String unit = device.unit();
        AttachedDevice.Reopening reopening = device.reopening();
        if (reopening == null) {
            throw new EngineException(ErrorCode.UNSUPPORTED, unit + " (" + device.fileName() + ") is attached "
                    + device.info().modeDescription() + "; only a device attached read-write takes a snapshot "
                    + "through its owner (detach it, then snapshot the file)");
        }
        String file = unit + " (" + device.fileName() + ")";
        // the snapshot's own failure, reported once the reopened image is back in place
        IOException[] failure = new IOException[1];
        try {
            device.view().exchangeQuiesced(current -> {
                // checked with the device quiesced: a detach closes the image quiesced too, so one of them waits
                if (!device.attached()) {
                    throw new EngineException(ErrorCode.NOT_ATTACHED, unit + " is being detached; no snapshot taken");
                }
                try {
                    current.flush();
                } catch (IOException e) {
                    throw new EngineException(ErrorCode.IO, "cannot flush " + file + ", no snapshot taken: "
                            + e.getMessage(), e);
                }
                try {
                    current.close();
                    opener.createSnapshot(reopening.path(), name);
                } catch (IOException e) {
                    failure[0] = e;
                } catch (RuntimeException e) {
                    failure[0] = new EngineException(ErrorCode.IO, "internal error: " + e, e);
                }
                return reopen(reopening, file);
            });
        } catch (EngineException e) {
            throw failure[0] == null ? e : new EngineException(e.code(), e.getMessage() + " (the snapshot itself "
                    + "failed: " + failure[0].getMessage() + ")", e);
        } catch (IOException e) {
            throw new EngineException(ErrorCode.IO, "snapshot of " + file + " failed: " + e.getMessage(), e);
        }
        if (failure[0] != null) {
            ErrorCode code = failure[0] instanceof EngineException engine ? engine.code() : ErrorCode.IO;
            throw new EngineException(code, "no snapshot of " + file + " taken (the device carries on unchanged): "
                    + failure[0].getMessage(), failure[0]);
        }
    }

    /**
     * Opens the image again, read-write as attached. Should that fail, the device is left with its closed image
     * (its requests fail) and the error says so: only a detach and a new attach can help then.
     */
    private VirtualDisk reopen(AttachedDevice.Reopening reopening, String file) throws EngineException {
        VirtualDisk image;
        try {
            image = opener.open(reopening.path(), false, reopening.allowExternalFiles());
        } catch (IOException | RuntimeException e) {
            throw new EngineException(e instanceof EngineException engine ? engine.code() : ErrorCode.IO, file
                    + " could not be reopened after the snapshot; its requests fail until it is detached and "
                    + "attached again: " + e.getMessage(), e);
        }
        if (image.isReadOnly()) {
            try {
                image.close();
            } catch (IOException ignored) {
                // the refusal below says more
            }
            throw new EngineException(ErrorCode.READ_ONLY_FILE, file + " could only be reopened read-only after the "
                    + "snapshot; its requests fail until it is detached and attached again");
        }
        return image;
    }
}
