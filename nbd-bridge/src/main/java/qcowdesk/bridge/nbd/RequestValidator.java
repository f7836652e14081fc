package qcowdesk.bridge.nbd;

import java.util.Optional;

import qcowdesk.bridge.nbd.wire.CommandFlags;
import qcowdesk.bridge.nbd.wire.CommandType;
import qcowdesk.bridge.nbd.wire.Errno;
import qcowdesk.bridge.nbd.wire.Request;

/**
 * Checks a request against the export before anything is done or allocated for it. For a READ this is the only
 * range check on the way down: the device and the image read through their unchecked entry points, which rely on
 * it ({@code VirtualDisk.readUnchecked}).
 */
final class RequestValidator {

    private final Negotiated session;

    RequestValidator(Negotiated session) {
        this.session = session;
    }

    Optional<Rejection> check(Request request) {
        CommandType type = request.type();
        if (type == null) {
            return reject(Errno.EINVAL, "unknown command " + request.code());
        }
        int unknownFlags = request.flags() & ~allowedFlags(type);
        if (unknownFlags != 0) {
            return reject(Errno.EINVAL, String.format("flags 0x%x are not valid for %s", unknownFlags, type));
        }
        if (type == CommandType.FLUSH) {
            return Optional.empty();
        }
        if (session.device().readOnly() && isWrite(type)) {
            return reject(Errno.EPERM, session.device().unit() + " is read-only");
        }
        if (type == CommandType.BLOCK_STATUS && session.contexts().isEmpty()) {
            return reject(Errno.EINVAL, "BLOCK_STATUS needs a metadata context selected with NBD_OPT_SET_META_CONTEXT");
        }
        return checkRange(request, type);
    }

    private Optional<Rejection> checkRange(Request request, CommandType type) {
        if (request.length() == 0) {
            return reject(Errno.EINVAL, type + " of length 0");
        }
        if ((type == CommandType.READ || type == CommandType.WRITE) && request.length() > BlockSizes.MAX_PAYLOAD) {
            return reject(Errno.EINVAL, type + " of " + request.length() + " bytes exceeds the maximum of "
                    + BlockSizes.MAX_PAYLOAD);
        }
        long size = session.device().sizeBytes();
        if (request.end() > size) {
            return reject(Errno.EINVAL, String.format("%s of %d bytes at %s is beyond the end of the device (%d bytes)",
                    type, request.length(), Long.toUnsignedString(request.offset()), size));
        }
        int sector = session.device().sectorSize();
        if (request.offset() % sector != 0 || request.length() % sector != 0) {
            return reject(Errno.EINVAL, String.format("%s of %d bytes at %d is not aligned to the %d-byte sector size",
                    type, request.length(), request.offset(), sector));
        }
        return Optional.empty();
    }

    private int allowedFlags(CommandType type) {
        // FUA is accepted (and harmless) on every command; the others only where the protocol defines them.
        switch (type) {
            case READ:
                return CommandFlags.FUA | (session.structuredReplies() ? CommandFlags.DF : 0);
            case WRITE_ZEROES:
                return CommandFlags.FUA | CommandFlags.NO_HOLE | CommandFlags.FAST_ZERO;
            case BLOCK_STATUS:
                return CommandFlags.FUA | CommandFlags.REQ_ONE;
            default:
                return CommandFlags.FUA;
        }
    }

    static boolean isWrite(CommandType type) {
        return type == CommandType.WRITE || type == CommandType.TRIM || type == CommandType.WRITE_ZEROES;
    }

    private static Optional<Rejection> reject(Errno errno, String message) {
        return Optional.of(new Rejection(errno, message));
    }
}
