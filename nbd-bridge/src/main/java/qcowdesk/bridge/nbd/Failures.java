package qcowdesk.bridge.nbd;

import java.io.IOException;

import qcowdesk.bridge.nbd.wire.Errno;
import qcowdesk.engine.EngineException;

/** Turns engine and I/O failures into the error numbers NBD clients understand. */
final class Failures {

    private Failures() {
    }

    static Rejection toRejection(IOException failure) {
        String message = failure.getMessage() == null ? failure.toString() : failure.getMessage();
        if (failure instanceof EngineException) {
            switch (((EngineException) failure).code()) {
                case READ_ONLY_FILE:
                    return new Rejection(Errno.EPERM, message);
                case INVALID_ARGUMENT:
                    return new Rejection(Errno.EINVAL, message);
                case UNSUPPORTED:
                    return new Rejection(Errno.ENOTSUP, message);
                default:
                    break;
            }
        }
        if (message.contains("No space left")) {
            return new Rejection(Errno.ENOSPC, message);
        }
        return new Rejection(Errno.EIO, message);
    }
}
