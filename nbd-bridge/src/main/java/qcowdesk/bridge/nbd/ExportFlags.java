package qcowdesk.bridge.nbd;

import qcowdesk.bridge.nbd.wire.TransmissionFlags;
import qcowdesk.engine.device.Device;

/** The transmission flags of an export: exactly the features this server implements for it. */
final class ExportFlags {

    private ExportFlags() {
    }

    static int of(Device device, boolean structuredReplies) {
        // Every connection to a device shares one VirtualDisk, and flush makes all completed writes durable
        // whichever connection made them: that is the guarantee CAN_MULTI_CONN asks for.
        int flags = TransmissionFlags.HAS_FLAGS | TransmissionFlags.SEND_FLUSH | TransmissionFlags.SEND_FUA
                | TransmissionFlags.SEND_CACHE | TransmissionFlags.CAN_MULTI_CONN;
        if (structuredReplies) {
            flags |= TransmissionFlags.SEND_DF;
        }
        if (device.readOnly()) {
            flags |= TransmissionFlags.READ_ONLY;
        } else {
            flags |= TransmissionFlags.SEND_TRIM | TransmissionFlags.SEND_WRITE_ZEROES
                    | TransmissionFlags.SEND_FAST_ZERO;
        }
        return flags;
    }
}
