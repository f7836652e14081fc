package qcowdesk.bridge.nbd;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.channels.GatheringByteChannel;
import java.nio.channels.SocketChannel;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;

import qcowdesk.bridge.nbd.wire.CommandFlags;
import qcowdesk.bridge.nbd.wire.CommandType;
import qcowdesk.bridge.nbd.wire.Errno;
import qcowdesk.bridge.nbd.wire.ProtocolException;
import qcowdesk.bridge.nbd.wire.Request;
import qcowdesk.bridge.nbd.wire.RequestDecoder;
import qcowdesk.engine.support.DaemonThreads;
import qcowdesk.engine.support.Log;
import qcowdesk.engine.support.PeerLog;

/**
 * The transmission phase of one connection. This thread reads requests (and WRITE payloads) in order and
 * hands each to the worker pool; workers pass each reply to the connection's {@link ReplyWriter} as they finish,
 * so replies may overtake each other and a client that stops reading stalls only itself. At most
 * {@code maxInFlight} requests of this connection are outstanding; payload memory is bounded by this
 * connection's share of the shared {@link BufferPool}. The phase ends on NBD_CMD_DISC, end of input, a protocol violation or {@link #stop()};
 * it always waits for the requests in flight to be answered before returning.
 *
 * <p>A small WRITE without FUA that arrives while none of this connection's requests is with a worker or waiting
 * for its reply to be written is carried out by this thread itself, and its success reply held in
 * {@link HeldReplies} until this thread would next wait on the socket or hand a request over. A stream of small
 * writes (a guest's 4 KiB writes into new clusters, where the work is one pwrite) then costs no hand-over to a
 * worker and back to the reply writer: two thread wake-ups per request were most of its CPU time. The write is
 * done before the next request is read, so a later FLUSH covers it as it covers a worker's write; and since
 * nothing else of the connection is outstanding meanwhile, this thread is the only one writing to the socket.
 * Reads, long writes and FUA writes, and every request that arrives while others are outstanding, go to the
 * workers as before, so concurrent requests are still carried out concurrently.
 *
 * <p>A WRITE longer than the maximum payload is answered with EINVAL and the connection is closed: its
 * payload (up to 4 GiB) would have to be skipped byte by byte to find the next request, for a client that
 * already ignored the advertised limits.
 */
final class Transmission {

    private static final PeerLog LOG = Log.of(Transmission.class).peer();
    /**
     * The longest WRITE this thread carries out itself: a 4 KiB to 64 KiB write is one pwrite, shorter than handing
     * it over; longer ones (a 1 MiB sequential write) go to the workers, where several are written at once.
     */
    private static final int INLINE_WRITE_MAX = 64 * 1024;

    private final SocketChannel channel;
    private final RequestInput input;
    private final Executor workers;
    private final BufferPool.Share pool;
    private final int maxInFlight;
    private final Semaphore inFlight;
    private final RequestValidator validator;
    private final CommandExecutor executor;
    private final ReplyWriter writer;
    private final HeldReplies held;
    private final Thread writerThread;
    private volatile boolean stopping;
    /** When the last request arrived (or transmission began), for the idle timeout. */
    private volatile long lastRequestNanos = System.nanoTime();

    /**
     * Serves on {@code data}: the socket itself, or the TLS channel over it. {@code channel} is the socket, which
     * {@link #stop()} shuts down and a failed reply write closes.
     */
    <C extends ByteChannel & GatheringByteChannel> Transmission(SocketChannel channel, C data, Negotiated session,
                                                                Executor workers, BufferPool pool, int maxInFlight) {
        this.channel = channel;
        this.input = new RequestInput(data);
        this.workers = workers;
        this.pool = pool.share();
        this.maxInFlight = maxInFlight;
        this.inFlight = new Semaphore(maxInFlight);
        this.validator = new RequestValidator(session);
        this.executor = new CommandExecutor(session);
        this.writer = new ReplyWriter(data, this::closeQuietly);
        this.held = new HeldReplies(data);
        this.writerThread = DaemonThreads.unstarted(Thread.currentThread().getName() + "-replies", writer);
    }

    /** Serves requests until the phase ends; returns once every request taken has been answered. */
    void run() {
        writerThread.start();
        try {
            serve();
        } catch (ProtocolException e) {
            LOG.warn(() -> "closing NBD connection: " + e.getMessage());
        } catch (EOFException e) {
            LOG.debug(() -> "NBD client left in the middle of a request");
        } catch (IOException e) {
            if (!stopping) {
                LOG.debug(() -> "NBD connection failed: " + e);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            // Every permit comes back once its reply is written (or dropped): then nothing is left to send but the
            // held replies of writes already done.
            inFlight.acquireUninterruptibly(maxInFlight);
            writeHeldQuietly();
            writer.finish();
            joinWriter();
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

    /** True when no request is in flight and none has arrived for {@code nanos}. */
    boolean idleFor(long nanos) {
        return inFlight.availablePermits() == maxInFlight && System.nanoTime() - lastRequestNanos >= nanos;
    }

    private void serve() throws IOException, InterruptedException {
        ByteBuffer header = ByteBuffer.allocate(Request.HEADER_SIZE);
        while (!stopping && readHeader(header.clear())) {
            lastRequestNanos = System.nanoTime();
            Request request = RequestDecoder.decode(header.flip());
            if (request.type() == CommandType.DISC) {
                return;
            }
            Optional<Rejection> rejection = validator.check(request);
            if (rejection.isEmpty() && mayWriteInline(request)) {
                writeInline(request);
                continue;
            }
            // From here on a worker or the reply writer may write to the socket: the held replies go first.
            held.writeHeld();
            inFlight.acquire();
            if (request.type() == CommandType.WRITE) {
                acceptWrite(request, rejection);
            } else if (rejection.isPresent()) {
                reject(request, rejection.get());
            } else if (request.type() == CommandType.READ) {
                // The buffer is taken here, not on a worker: when the pool is exhausted this connection stops
                // reading (back-pressure on its client) instead of workers waiting on buffers held by queued work.
                dispatch(request, pool.acquire((int) request.length()));
            } else {
                dispatch(request, null);
            }
        }
    }

    /** Reads the next request's header; the held replies go out first if that read may wait on the client. */
    private boolean readHeader(ByteBuffer header) throws IOException {
        if (input.buffered() < Request.HEADER_SIZE) {
            held.writeHeld();
        }
        return input.readOrEnd(header);
    }

    private boolean mayWriteInline(Request request) {
        return request.type() == CommandType.WRITE
                && request.length() <= INLINE_WRITE_MAX
                && !request.hasFlag(CommandFlags.FUA)
                && inFlight.availablePermits() == maxInFlight;
    }

    /**
     * Carries out a small WRITE on this thread: its payload taken where the input buffer holds it (or read into a
     * pool buffer when it is not all there yet), its success reply held.
     */
    private void writeInline(Request request) throws IOException, InterruptedException {
        inFlight.acquire(); // never waits (all permits are free); held so that the idle timeout sees it in flight
        try {
            writeInlineHolding(request);
        } finally {
            inFlight.release();
        }
    }

    private void writeInlineHolding(Request request) throws IOException, InterruptedException {
        int length = (int) request.length();
        ByteBuffer payload = input.takeBuffered(length);
        ByteBuffer pooled = null;
        if (payload == null) {
            held.writeHeld(); // reading the rest may wait on the client, which may be waiting for these replies
            pooled = pool.acquire(length);
            try {
                input.readFully(pooled);
            } catch (IOException e) {
                pool.release(pooled);
                throw e;
            }
            payload = pooled.flip();
        }
        try {
            ByteBuffer[] failure = writeOnThisThread(request, payload);
            if (failure == null) {
                held.add(request.handle());
            } else {
                held.writeWithHeld(failure);
            }
        } finally {
            if (pooled != null) {
                pool.release(pooled);
            }
        }
    }

    private ByteBuffer[] writeOnThisThread(Request request, ByteBuffer payload) {
        try {
            return executor.writeWithoutReply(request, payload);
        } catch (RuntimeException e) {
            return internalError(request, e);
        }
    }

    private ByteBuffer[] internalError(Request request, RuntimeException e) {
        LOG.error(() -> "NBD request " + request + " failed unexpectedly", e);
        return executor.rejection(request, new Rejection(Errno.EIO, "internal error: " + e));
    }

    /** Reads the payload of a WRITE, or skips it when the WRITE is refused. */
    private void acceptWrite(Request request, Optional<Rejection> rejection) throws IOException, InterruptedException {
        if (request.length() > BlockSizes.MAX_PAYLOAD) {
            reject(request, rejection.orElseThrow());
            throw new ProtocolException("WRITE of " + request.length() + " bytes is over the maximum payload");
        }
        if (rejection.isPresent()) {
            try {
                input.skip(request.length());
            } catch (IOException e) {
                release(null); // the client left mid-payload: its slot must come back, or run() waits forever
                throw e;
            }
            reject(request, rejection.get());
            return;
        }
        ByteBuffer payload = pool.acquire((int) request.length());
        try {
            input.readFully(payload);
        } catch (IOException e) {
            release(payload);
            throw e;
        }
        dispatch(request, payload.flip());
    }

    private void dispatch(Request request, ByteBuffer buffer) {
        try {
            workers.execute(() -> runOnWorker(request, buffer));
        } catch (RejectedExecutionException shuttingDown) {
            if (buffer != null) {
                pool.release(buffer);
            }
            reject(request, new Rejection(Errno.ESHUTDOWN, "the server is shutting down"));
        }
    }

    private void runOnWorker(Request request, ByteBuffer buffer) {
        ByteBuffer[] reply;
        try {
            reply = executor.execute(request, buffer);
        } catch (RuntimeException e) {
            reply = internalError(request, e);
        }
        writer.send(reply, () -> release(buffer));
    }

    private void reject(Request request, Rejection rejection) {
        writer.send(executor.rejection(request, rejection), () -> release(null));
    }

    /** What every request gives back once its reply is out: its buffer, if any, and its in-flight permit. */
    private void release(ByteBuffer buffer) {
        if (buffer != null) {
            pool.release(buffer);
        }
        inFlight.release();
    }

    private void joinWriter() {
        try {
            writerThread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void writeHeldQuietly() {
        try {
            held.writeHeld();
        } catch (IOException e) {
            closeQuietly(); // the client is gone: nothing else can reach it either
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
