package qcowdesk.bridge.nbd;

import java.io.EOFException;
import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;

import qcowdesk.bridge.nbd.wire.CommandType;
import qcowdesk.bridge.nbd.wire.Errno;
import qcowdesk.bridge.nbd.wire.ProtocolException;
import qcowdesk.bridge.nbd.wire.Request;
import qcowdesk.bridge.nbd.wire.RequestDecoder;

/**
 * The transmission phase of one connection. This thread reads requests (and WRITE payloads) in order and
 * hands each to the worker pool; workers reply as they finish, so replies may overtake each other. At most
 * {@code maxInFlight} requests of this connection are outstanding; payload memory is bounded by the shared
 * {@link BufferPool}. The phase ends on NBD_CMD_DISC, end of input, a protocol violation or {@link #stop()};
 * it always waits for the requests in flight to be answered before returning.
 *
 * <p>A WRITE longer than the maximum payload is answered with EINVAL and the connection is closed: its
 * payload (up to 4 GiB) would have to be skipped byte by byte to find the next request, for a client that
 * already ignored the advertised limits.
 */
final class Transmission {

    private static final Logger LOG = System.getLogger(Transmission.class.getName());

    private final SocketChannel channel;
    private final RequestInput input;
    private final Executor workers;
    private final BufferPool pool;
    private final int maxInFlight;
    private final Semaphore inFlight;
    private final RequestValidator validator;
    private final CommandExecutor executor;
    private volatile boolean stopping;

    Transmission(SocketChannel channel, Negotiated session, Executor workers, BufferPool pool, int maxInFlight) {
        this.channel = channel;
        this.input = new RequestInput(channel);
        this.workers = workers;
        this.pool = pool;
        this.maxInFlight = maxInFlight;
        this.inFlight = new Semaphore(maxInFlight);
        this.validator = new RequestValidator(session);
        this.executor = new CommandExecutor(session, pool, new ReplyWriter(channel));
    }

    /** Serves requests until the phase ends; returns once every request taken has been answered. */
    void run() {
        try {
            serve();
        } catch (ProtocolException e) {
            LOG.log(Level.WARNING, "closing NBD connection: " + e.getMessage());
        } catch (EOFException e) {
            LOG.log(Level.DEBUG, "NBD client left in the middle of a request");
        } catch (IOException e) {
            if (!stopping) {
                LOG.log(Level.DEBUG, "NBD connection failed: " + e);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            inFlight.acquireUninterruptibly(maxInFlight);
        }
    }

    /**
     * Stops taking requests (detach with force, server shutdown): shutting down the input wakes the reader
     * with end-of-stream while replies can still go out.
     */
    void stop() {
        stopping = true;
        try {
            channel.shutdownInput();
        } catch (IOException ignored) {
            // already closed: the reader is ending anyway
        }
    }

    private void serve() throws IOException, InterruptedException {
        ByteBuffer header = ByteBuffer.allocate(Request.HEADER_SIZE);
        while (!stopping && input.readOrEnd(header.clear())) {
            Request request = RequestDecoder.decode(header.flip());
            if (request.type() == CommandType.DISC) {
                return;
            }
            Optional<Rejection> rejection = validator.check(request);
            inFlight.acquire();
            if (request.type() == CommandType.WRITE) {
                if (!acceptWrite(request, rejection)) {
                    return;
                }
            } else if (rejection.isPresent()) {
                replyAndRelease(request, rejection.get());
            } else {
                dispatch(request, null);
            }
        }
    }

    /** Reads the payload of a WRITE; false when the connection cannot go on. */
    private boolean acceptWrite(Request request, Optional<Rejection> rejection) throws IOException, InterruptedException {
        if (request.length() > BlockSizes.MAX_PAYLOAD) {
            replyAndRelease(request, rejection.orElseThrow());
            throw new ProtocolException("WRITE of " + request.length() + " bytes is over the maximum payload");
        }
        if (rejection.isPresent()) {
            input.skip(request.length());
            replyAndRelease(request, rejection.get());
            return true;
        }
        ByteBuffer payload = pool.acquire((int) request.length());
        try {
            input.readFully(payload);
        } catch (IOException e) {
            pool.release(payload);
            inFlight.release();
            throw e;
        }
        dispatch(request, payload.flip());
        return true;
    }

    private void dispatch(Request request, ByteBuffer payload) throws IOException {
        try {
            workers.execute(() -> runOnWorker(request, payload));
        } catch (RejectedExecutionException shuttingDown) {
            if (payload != null) {
                pool.release(payload);
            }
            replyAndRelease(request, new Rejection(Errno.ESHUTDOWN, "the server is shutting down"));
        }
    }

    private void runOnWorker(Request request, ByteBuffer payload) {
        try {
            executor.execute(request, payload);
        } catch (IOException e) {
            // The reply could not be sent: the client is gone. Closing wakes the reader so the phase ends.
            closeQuietly();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.log(Level.ERROR, "NBD request " + request + " failed unexpectedly", e);
            closeQuietly();
        } finally {
            if (payload != null) {
                pool.release(payload);
            }
            inFlight.release();
        }
    }

    private void replyAndRelease(Request request, Rejection rejection) throws IOException {
        try {
            executor.reject(request, rejection);
        } finally {
            inFlight.release();
        }
    }

    private void closeQuietly() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // closing is all we wanted
        }
    }
}
