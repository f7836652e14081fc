package qcowdesk.engine.qcow2.ops;

import qcowdesk.engine.EngineException;
import qcowdesk.engine.ErrorCode;
import qcowdesk.engine.qcow2.OpenOptions;
import qcowdesk.engine.qcow2.Qcow2Image;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Opens an image that an operation is going to change, with the image's write lock (QEMU-compatible), and says
 * plainly what to do when someone else holds it: an image attached read-write here, or open in QEMU, must be
 * detached (or closed) first.
 */
public final class Exclusive {

    private Exclusive() {
    }

    public static Qcow2Image open(Path image) throws IOException {
        try {
            return Qcow2Image.open(image, OpenOptions.readWrite());
        } catch (EngineException e) {
            throw explain(e, image);
        }
    }

    /** The lock refusal in the words of the operation that needs it; other errors unchanged. */
    public static EngineException explain(EngineException e, Path image) {
        if (e.code() != ErrorCode.IN_USE) {
            return e;
        }
        return new EngineException(ErrorCode.IN_USE, image + " is in use (attached read-write, or open in QEMU); "
                + "detach it first (" + e.getMessage() + ")", e);
    }
}
