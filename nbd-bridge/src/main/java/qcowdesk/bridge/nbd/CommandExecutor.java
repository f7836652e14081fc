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
 * The export backend: carries out one validated request on the device's disk and sends its reply. Runs on a
 * worker thread; many run at once for one connection.
 */
final class CommandExecutor {

    private final Negotiated session;
    private final VirtualDisk disk;
    private final BufferPool pool;
    private final ReplyWriter writer;

    CommandExecutor(Negotiated session, BufferPool pool, ReplyWriter writer) {
        this.session = session;
        this.disk = session.device().disk();
        this.pool = pool;
        this.writer = writer;
    }

    /** Executes {@code request}; {@code payload} is the data of a WRITE (released by the caller). */
    void execute(Request request, ByteBuffer payload) throws IOException, InterruptedException {
        if (request.type() == CommandType.READ) {
            read(request);
            return;
        }
        ByteBuffer[] reply;
        try {
            reply = perform(request, payload);
        } catch (IOException failure) {
            reject(request, Failures.toRejection(failure));
            return;
        }
        writer.send(reply);
    }

    /** Sends the error reply for a request that will not be (or could not be) carried out. */
    void reject(Request request, Rejection rejection) throws IOException {
        if (session.structuredReplies()) {
            writer.send(TransmissionReplies.error(request.handle(), rejection.errno(), rejection.message()));
        } else {
            writer.send(TransmissionReplies.simple(request.handle(), rejection.errno()));
        }
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
                        request.hasFlag(CommandFlags.REQ_ONE), session.contexts());
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
        if (request.hasFlag(CommandFlags.FAST_ZERO) && !isFastZero(request, mayDeallocate)) {
            // Fails with ENOTSUP, as the protocol asks, so the client falls back to writing zeros itself.
            throw new EngineException(ErrorCode.UNSUPPORTED, "zeroing this range is not faster than writing zeros");
        }
        disk.writeZeroes(request.offset(), request.length(), mayDeallocate);
    }

    /**
     * Zeroing whole clusters that may be deallocated only rewrites metadata; anything else (partial clusters,
     * or NO_HOLE, which keeps storage allocated) writes zeros like a WRITE would, so FAST_ZERO is refused.
     */
    private boolean isFastZero(Request request, boolean mayDeallocate) {
        long cluster = disk.clusterSize();
        boolean alignedStart = request.offset() % cluster == 0;
        boolean alignedEnd = request.end() % cluster == 0 || request.end() == session.device().sizeBytes();
        return mayDeallocate && alignedStart && alignedEnd;
    }

    private void read(Request request) throws IOException, InterruptedException {
        ByteBuffer buffer = pool.acquire((int) request.length());
        try {
            ByteBuffer[] reply;
            try {
                if (!session.structuredReplies()) {
                    reply = ReadReplies.simple(disk, request.handle(), request.offset(), buffer);
                } else if (request.hasFlag(CommandFlags.DF)) {
                    reply = ReadReplies.unfragmented(disk, request.handle(), request.offset(), buffer);
                } else {
                    reply = ReadReplies.sparse(disk, request.handle(), request.offset(), buffer);
                }
            } catch (IOException failure) {
                reject(request, Failures.toRejection(failure));
                return;
            }
            writer.send(reply);
        } finally {
            pool.release(buffer);
        }
    }

    private static ByteBuffer[] success(long handle) {
        // A simple reply is valid for every successful non-READ command, structured session or not.
        return new ByteBuffer[] {TransmissionReplies.simple(handle, null)};
    }
}
