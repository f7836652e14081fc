package qcowdesk.bridge.nbd;

import java.io.IOException;
import java.nio.ByteBuffer;

import qcowdesk.bridge.nbd.wire.CommandFlags;
import qcowdesk.bridge.nbd.wire.CommandType;
import qcowdesk.bridge.nbd.wire.Request;
import qcowdesk.bridge.nbd.wire.TransmissionReplies;
import qcowdesk.engine.EngineException;
import qcowdesk.engine.ErrorCode;
import qcowdesk.engine.VirtualDisk;

/**
 * The export backend: carries out one validated request on the device's disk and returns its reply. Runs on a
 * worker thread; many run at once for one connection. It never touches the socket: the connection's
 * {@link ReplyWriter} sends what it returns.
 */
final class CommandExecutor {

    private final Negotiated session;
    private final VirtualDisk disk;

    CommandExecutor(Negotiated session) {
        this.session = session;
        this.disk = session.device().disk();
    }

    /**
     * Executes {@code request} and returns the reply to send. {@code buffer} is the payload of a WRITE, or the
     * buffer a READ fills (exactly the request's length); the reply may refer to it until it is sent.
     */
    ByteBuffer[] execute(Request request, ByteBuffer buffer) {
        try {
            if (request.type() == CommandType.READ) {
                return read(request, buffer);
            }
            return perform(request, buffer);
        } catch (IOException failure) {
            return rejection(request, Failures.toRejection(failure));
        }
    }

    /**
     * Carries out a WRITE without FUA on the connection's reading thread: null when it succeeded (its reply is a
     * plain success, which the caller holds), else the error reply to send.
     */
    ByteBuffer[] writeWithoutReply(Request request, ByteBuffer payload) {
        try {
            disk.write(request.offset(), payload);
            return null;
        } catch (IOException failure) {
            return rejection(request, Failures.toRejection(failure));
        }
    }

    /** The error reply for a request that will not be (or could not be) carried out. */
    ByteBuffer[] rejection(Request request, Rejection rejection) {
        if (session.structuredReplies()) {
            return new ByteBuffer[] {TransmissionReplies.error(request.handle(), rejection.errno(), rejection.message())};
        }
        return new ByteBuffer[] {TransmissionReplies.simple(request.handle(), rejection.errno())};
    }

    /** Carries out a non-READ command and returns its successful reply. */
    private ByteBuffer[] perform(Request request, ByteBuffer payload) throws IOException {
        long offset = request.offset();
        long length = request.length();
        switch (request.type()) {
            case WRITE:
                disk.write(offset, payload);
                break;
            case FLUSH:
                disk.flush();
                return success(request.handle());
            case TRIM:
                disk.discard(offset, length);
                break;
            case WRITE_ZEROES:
                writeZeroes(request);
                break;
            case CACHE:
                // Walking the map loads the metadata of the range into the engine's caches; the data itself is
                // left to the page cache of the host.
                DiskExtents.of(disk, offset, length, BlockStatusReplies.MAX_EXTENTS);
                return success(request.handle());
            case BLOCK_STATUS:
                return BlockStatusReplies.build(disk, request.handle(), offset, length,
                        request.hasFlag(CommandFlags.REQ_ONE), session.contexts(),
                        session.device().sectorSize());
            default:
                throw new IllegalStateException("not a backend command: " + request.type());
        }
        if (request.hasFlag(CommandFlags.FUA)) {
            disk.flush();
        }
        return success(request.handle());
    }

    private void writeZeroes(Request request) throws IOException {
        boolean mayDeallocate = !request.hasFlag(CommandFlags.NO_HOLE);
        if (request.hasFlag(CommandFlags.FAST_ZERO)
                && !disk.zeroesFast(request.offset(), request.length(), mayDeallocate)) {
            // Fails with ENOTSUP, as the protocol asks, so the client falls back to writing zeros itself.
            throw new EngineException(ErrorCode.UNSUPPORTED, "zeroing this range is not faster than writing zeros");
        }
        disk.writeZeroes(request.offset(), request.length(), mayDeallocate);
    }

    private ByteBuffer[] read(Request request, ByteBuffer buffer) throws IOException {
        if (!session.structuredReplies()) {
            return ReadReplies.simple(disk, request.handle(), request.offset(), buffer);
        }
        if (request.hasFlag(CommandFlags.DF)) {
            return ReadReplies.unfragmented(disk, request.handle(), request.offset(), buffer);
        }
        return ReadReplies.sparse(disk, request.handle(), request.offset(), buffer);
    }

    private static ByteBuffer[] success(long handle) {
        // A simple reply is valid for every successful non-READ command, structured session or not.
        return new ByteBuffer[] {TransmissionReplies.simple(handle, null)};
    }
}
