package qcowdesk.bridge.nbd;

import qcowdesk.bridge.nbd.wire.Errno;

/** Why a request is answered with an error: the error number and a message for structured error chunks. */
record Rejection(Errno errno, String message) {
}
