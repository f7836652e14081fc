package qcowdesk.bridge.control;

import java.io.IOException;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import com.fasterxml.jackson.databind.node.ObjectNode;

import qcowdesk.bridge.owner.OwnerInfo;
import qcowdesk.engine.EngineException;
import qcowdesk.engine.ErrorCode;
import qcowdesk.engine.device.DeviceTable;
import qcowdesk.engine.support.DaemonThreads;
import qcowdesk.engine.support.Log;

import static qcowdesk.bridge.control.ControlProtocol.JSON;
import qcowdesk.bridge.nbd.wire.ChannelStreams;

/**
 * Serves the control protocol on a Unix socket (mode 0600, inside the 0700 runtime directory): one thread per
 * connection, one reply per request line, in order. A connection that sends {@code watch} turns into a stream
 * of device events. Whatever a client sends, the server answers or drops that one connection and goes on.
 */
public final class ControlServer implements AutoCloseable {

    private static final Log LOG = Log.of(ControlServer.class);

    /** More than any sane number of front ends; beyond it a connection is told why and closed. */
    static final int MAX_CONNECTIONS = 64;

    private final Path socket;
    /** Replaced when the socket file was removed from under us and is bound again ({@link #rebind}). */
    private volatile ServerSocketChannel server;
    private final RequestHandler handler;
    private final DeviceTable table;
    private final Function<String, String> uris;
    private final Set<SocketChannel> connections = ConcurrentHashMap.newKeySet();
    private final Semaphore slots = new Semaphore(MAX_CONNECTIONS);
    private final ExecutorService threads = Executors.newCachedThreadPool(DaemonThreads.numbered("qcowdesk-control"));
    private volatile boolean closed;

    private final MountService mounts;

    private ControlServer(Path socket, ServerSocketChannel server, DeviceTable table, Function<String, String> uris,
                          OwnerInfo owner, MountService mounts) {
        this.socket = socket;
        this.server = server;
        this.table = table;
        this.uris = uris;
        this.mounts = mounts;
        this.handler = new RequestHandler(table, uris, owner, mounts);
    }

    /**
     * Binds {@code socket} (which must not exist: stale sockets are the owner lock's business) and starts serving.
     *
     * @param uris the NBD URI of each unit, for attach replies and listings
     */
    public static ControlServer start(Path socket, DeviceTable table, Function<String, String> uris, OwnerInfo owner,
                                      MountService mounts) throws IOException {
        ServerSocketChannel server = bind(socket);
        ControlServer control = new ControlServer(socket, server, table, uris, owner, mounts);
        control.threads.execute(() -> control.acceptLoop(server));
        return control;
    }

    private static ServerSocketChannel bind(Path socket) throws IOException {
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            server.bind(UnixDomainSocketAddress.of(socket));
            Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-------"));
        } catch (IOException e) {
            server.close();
            throw new EngineException(ErrorCode.IO, "cannot listen on " + socket + ": " + e.getMessage(), e);
        }
        return server;
    }

    /**
     * Listens again on a fresh socket file at the same path, after the old one was removed from under us (a
     * cleaner emptied the runtime directory): connections already open go on; new ones need the new file. The
     * path must be free (the caller replaces only what is missing or dead).
     */
    public synchronized void rebind() throws IOException {
        if (closed) {
            return;
        }
        ServerSocketChannel fresh = bind(socket);
        ServerSocketChannel old = server;
        server = fresh;
        closeQuietly(old);
        threads.execute(() -> acceptLoop(fresh));
    }

    public Path socket() {
        return socket;
    }

    private void acceptLoop(ServerSocketChannel listening) {
        while (!closed && listening.isOpen()) {
            SocketChannel connection;
            try {
                connection = listening.accept();
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                LOG.warn("control socket accept failed", e);
                continue;
            }
            if (!slots.tryAcquire()) {
                refuse(connection);
                continue;
            }
            connections.add(connection);
            try {
                threads.execute(() -> serveAndRelease(connection));
            } catch (java.util.concurrent.RejectedExecutionException shuttingDown) {
                connections.remove(connection);
                closeQuietly(connection);
                slots.release();
            }
        }
    }

    private void serveAndRelease(SocketChannel connection) {
        try (connection) {
            serve(connection);
        } catch (IOException e) {
            // the client went away mid-reply: nothing to tell anyone
        } finally {
            connections.remove(connection);
            slots.release();
        }
    }

    private void refuse(SocketChannel connection) {
        try (connection) {
            send(ChannelStreams.out(connection), handler.error(new EngineException(ErrorCode.BUSY,
                    "too many control connections (" + MAX_CONNECTIONS + "); try again later"), null));
        } catch (IOException ignored) {
            // it is being turned away anyway
        }
    }

    private void serve(SocketChannel connection) throws IOException {
        BoundedLineReader reader = new BoundedLineReader(ChannelStreams.in(connection), ControlProtocol.MAX_LINE_BYTES);
        OutputStream out = ChannelStreams.out(connection);
        while (true) {
            BoundedLineReader.Line line = reader.next();
            if (line instanceof BoundedLineReader.End) {
                return;
            }
            if (line instanceof BoundedLineReader.TooLong tooLong) {
                send(out, handler.error(RequestFields.invalid("request line of " + tooLong.bytes()
                        + " bytes is longer than the limit of " + ControlProtocol.MAX_LINE_BYTES + " bytes"), null));
                continue;
            }
            String text = ((BoundedLineReader.Text) line).text();
            if (text.isBlank()) {
                continue;
            }
            RequestHandler.Parsed request;
            try {
                request = handler.parse(text);
            } catch (EngineException e) {
                send(out, handler.error(e, null));
                continue;
            }
            if (request.op().equals("watch")) {
                new EventStream(connection, out, request).run(reader);
                return;
            }
            send(out, handler.handle(request));
        }
    }

    static void send(OutputStream out, ObjectNode message) throws IOException {
        byte[] line = JSON.writeValueAsBytes(message);
        byte[] framed = new byte[line.length + 1];
        System.arraycopy(line, 0, framed, 0, line.length);
        framed[line.length] = '\n';
        synchronized (out) {
            out.write(framed);
        }
    }

    /** A watching connection: the snapshot reply, then one line per device event until the client leaves. */
    private final class EventStream {
        private final SocketChannel connection;
        private final OutputStream out;
        private final RequestHandler.Parsed request;

        EventStream(SocketChannel connection, OutputStream out, RequestHandler.Parsed request) {
            this.connection = connection;
            this.out = out;
            this.request = request;
        }

        void run(BoundedLineReader reader) throws IOException {
            EventQueue queue = new EventQueue();
            // subscribe before the snapshot, so that nothing falls between them (an event may repeat it)
            try (var subscription = table.subscribe(event -> queue.offer(WireFormat.event(event, uris)));
                 var mountEvents = mounts.table().subscribe(event -> queue.offer(WireFormat.event(event)))) {
                ObjectNode reply = RequestHandler.ok().put("watching", true);
                reply.set("devices", handler.devices());
                send(out, RequestHandler.withId(reply, request.id()));
                threads.execute(() -> forward(queue));
                // the client says nothing more; reading tells us when it leaves
                while (!(reader.next() instanceof BoundedLineReader.End)) {
                    // input on a watching connection is ignored
                }
            } finally {
                queue.stop();
                connection.close();
            }
        }

        private void forward(EventQueue queue) {
            try {
                ObjectNode event;
                while ((event = queue.take()) != null) {
                    send(out, event);
                }
            } catch (IOException e) {
                closeQuietly(connection);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Stops accepting, closes every connection and removes the socket file. */
    @Override
    public void close() {
        synchronized (this) {
            closed = true;
            closeQuietly(server);
        }
        connections.forEach(ControlServer::closeQuietly);
        try {
            Files.deleteIfExists(socket);
        } catch (IOException e) {
            LOG.warn("cannot remove " + socket, e);
        }
        threads.shutdownNow();
        try {
            threads.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(java.io.Closeable closeable) {
        try {
            closeable.close();
        } catch (IOException ignored) {
            // closing on the way out
        }
    }
}
