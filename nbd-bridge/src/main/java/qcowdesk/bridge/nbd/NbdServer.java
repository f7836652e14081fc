package qcowdesk.bridge.nbd;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

import qcowdesk.bridge.RuntimeDirectory;
import qcowdesk.bridge.owner.ExportServer;
import qcowdesk.bridge.holders.ClientSocket;
import qcowdesk.bridge.nbd.tls.TlsCredentials;
import qcowdesk.engine.device.DeviceDirectory;
import qcowdesk.engine.support.DaemonThreads;
import qcowdesk.engine.support.Log;

/**
 * The NBD server: exports every device of a {@link DeviceDirectory} under its unit name, on a Unix socket
 * and/or a TCP port. Start it with {@link #start}, hand out {@link #uriFor} to clients, {@link #close} it to
 * stop accepting, finish the requests in flight, disconnect everyone and remove the socket file.
 */
public final class NbdServer implements ExportServer {

    private static final Log LOG = Log.of(NbdServer.class);
    private static final Duration CLOSE_GRACE = Duration.ofSeconds(10);

    /**
     * How to serve.
     *
     * @param unixSocket          path of the Unix socket to listen on, or null for none
     * @param tcp                 address and port to listen on (port 0 picks a free one), or null for none
     * @param handshakeTimeout    clients that have not finished the handshake by then are dropped
     * @param workerThreads       threads executing requests, shared by all connections
     * @param maxRequestsInFlight requests one connection may have outstanding before we stop reading more
     * @param bufferBudget        bytes of request/reply payload buffers all connections may hold together
     * @param maxConnections      clients served at once (each has two threads); more are turned away at accept
     * @param tls                 null for plaintext; else TLS only: clients must NBD_OPT_STARTTLS before anything
     * @param idleTimeout         a client in transmission with no request for this long is disconnected, so idle
     *                            clients cannot hold every slot; zero: never (an idle kernel client is normal)
     * @param maxPerPeer          connections one peer (a user on the Unix socket, an address over TCP) may hold,
     *                            so that one peer cannot take every slot from the others
     */
    public record Config(Path unixSocket, InetSocketAddress tcp, Duration handshakeTimeout, int workerThreads,
                         int maxRequestsInFlight, long bufferBudget, int maxConnections, TlsCredentials tls,
                         Duration idleTimeout, int maxPerPeer) {

        /**
         * 32 MiB of payload buffers for all clients together at most, of which one connection holds at most half:
         * one maximum payload each for two clients, so that a client that stops reading its replies cannot take
         * every buffer from the others. Serving works within a quarter of it ({@link BufferPool}): a 1 MiB read
         * at queue depth 16 is no faster with sixteen buffers than with four, because the socket is the limit,
         * and every buffer touched stays in the server's resident memory.
         */
        public static final long DEFAULT_BUFFER_BUDGET = 32L * 1024 * 1024;

        public Config {
            if (handshakeTimeout.isNegative() || handshakeTimeout.isZero()) {
                throw new IllegalArgumentException("the handshake timeout must be positive");
            }
            if (idleTimeout.isNegative()) {
                throw new IllegalArgumentException("the idle timeout must not be negative");
            }
            if (workerThreads < 1 || maxRequestsInFlight < 1 || maxConnections < 1 || maxPerPeer < 1) {
                throw new IllegalArgumentException(
                        "worker threads, requests in flight and connections must be at least 1");
            }
            if (bufferBudget < BlockSizes.MAX_PAYLOAD) {
                throw new IllegalArgumentException("the buffer budget must hold at least one maximum payload ("
                        + BlockSizes.MAX_PAYLOAD + " bytes)");
            }
        }

        /** The user's runtime-directory socket, no TCP, 10 s handshake timeout, no idle timeout, 256 per peer. */
        public static Config defaults() {
            int workers = Math.max(4, 2 * Runtime.getRuntime().availableProcessors());
            return new Config(RuntimeDirectory.forCurrentUser().nbdSocket(), null, Duration.ofSeconds(10), workers,
                    64, DEFAULT_BUFFER_BUDGET, 512, null, Duration.ZERO, 256);
        }

        public Config withUnixSocket(Path socket) {
            return with(c -> c.unixSocket = socket);
        }

        public Config withoutUnixSocket() {
            return withUnixSocket(null);
        }

        /** Listens on TCP too, on {@code port} (0: any free port) of the loopback interface. */
        public Config withTcpPort(int port) {
            return withTcp(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        }

        /** Listens on TCP on the given address (name it explicitly to serve beyond this machine). */
        public Config withTcp(InetSocketAddress address) {
            return with(c -> c.tcp = address);
        }

        public Config withHandshakeTimeout(Duration timeout) {
            return with(c -> c.handshakeTimeout = timeout);
        }

        public Config withWorkerThreads(int threads) {
            return with(c -> c.workerThreads = threads);
        }

        public Config withMaxRequestsInFlight(int requests) {
            return with(c -> c.maxRequestsInFlight = requests);
        }

        public Config withBufferBudget(long bytes) {
            return with(c -> c.bufferBudget = bytes);
        }

        /** Serves TLS only (NBD_OPT_STARTTLS, TLS 1.3) with these credentials. */
        public Config withTls(TlsCredentials credentials) {
            return with(c -> c.tls = credentials);
        }

        public Config withIdleTimeout(Duration timeout) {
            return with(c -> c.idleTimeout = timeout);
        }

        public Config withMaxPerPeer(int connections) {
            return with(c -> c.maxPerPeer = connections);
        }

        public Config withMaxConnections(int connections) {
            return with(c -> c.maxConnections = connections);
        }

        /** A copy with one change: the full constructor is spelled out here and in {@link Change#build} only. */
        private Config with(java.util.function.Consumer<Change> change) {
            Change c = new Change(this);
            change.accept(c);
            return c.build();
        }

        /** The fields of a config being changed (checked again by the constructor when it is built). */
        private static final class Change {
            Path unixSocket;
            InetSocketAddress tcp;
            Duration handshakeTimeout;
            int workerThreads;
            int maxRequestsInFlight;
            long bufferBudget;
            int maxConnections;
            TlsCredentials tls;
            Duration idleTimeout;
            int maxPerPeer;

            Change(Config from) {
                unixSocket = from.unixSocket;
                tcp = from.tcp;
                handshakeTimeout = from.handshakeTimeout;
                workerThreads = from.workerThreads;
                maxRequestsInFlight = from.maxRequestsInFlight;
                bufferBudget = from.bufferBudget;
                maxConnections = from.maxConnections;
                tls = from.tls;
                idleTimeout = from.idleTimeout;
                maxPerPeer = from.maxPerPeer;
            }

            Config build() {
                return new Config(unixSocket, tcp, handshakeTimeout, workerThreads, maxRequestsInFlight, bufferBudget,
                        maxConnections, tls, idleTimeout, maxPerPeer);
            }
        }
    }

    private final ServerContext context;
    private final Path unixSocket;
    private final InetSocketAddress tcpAddress;
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    /** The Unix socket's listener, replaced by {@link #rebindUnixSocket}. */
    private volatile Listener unixListener;
    private final Set<Connection> connections = ConcurrentHashMap.newKeySet();
    /** Connections per peer ({@link PeerIdentity}), for {@link Config#maxPerPeer()}. */
    private final java.util.concurrent.ConcurrentHashMap<Object, Integer> perPeer =
            new java.util.concurrent.ConcurrentHashMap<>();
    private final Set<Thread> connectionThreads = ConcurrentHashMap.newKeySet();
    private final ThreadFactory connectionThreadFactory = DaemonThreads.numbered("nbd-connection");
    private volatile boolean closed;

    private NbdServer(ServerContext context, Path unixSocket, InetSocketAddress tcpAddress) {
        this.context = context;
        this.unixSocket = unixSocket;
        this.tcpAddress = tcpAddress;
    }

    /** Opens the listeners and starts serving; fails (listening on nothing) if any listener cannot be opened. */
    public static NbdServer start(DeviceDirectory devices, Config config) throws IOException {
        return start(devices, BoundSockets.bind(config));
    }

    /**
     * Starts serving on sockets bound earlier (clients that connected since then are greeted now); if it cannot,
     * the sockets are closed.
     */
    public static NbdServer start(DeviceDirectory devices, BoundSockets sockets) throws IOException {
        Config config = sockets.config();
        List<ServerSocketChannel> channels = sockets.handOver();
        ServerContext context = new ServerContext(devices, config,
                Executors.newFixedThreadPool(config.workerThreads(), DaemonThreads.numbered("nbd-worker")),
                Executors.newSingleThreadScheduledExecutor(DaemonThreads.numbered("nbd-timer")),
                new BufferPool(config.bufferBudget()));
        // payload buffers cached for a request size no client used in the last second go back to the system
        context.timers().scheduleWithFixedDelay(context.pool()::releaseIdle, 1, 1, TimeUnit.SECONDS);
        try {
            NbdServer server = new NbdServer(context, sockets.unixSocket(), sockets.tcp());
            for (ServerSocketChannel channel : channels) {
                Listener listener = server.listen(channel);
                if (sockets.unixSocket() != null && server.unixListener == null) {
                    server.unixListener = listener;
                }
            }
            return server;
        } catch (IOException | RuntimeException e) {
            for (ServerSocketChannel channel : channels) {
                channel.close();
            }
            context.workers().shutdownNow();
            context.timers().shutdownNow();
            throw e;
        }
    }

    /**
     * What a device host uses to start its NBD server: {@code base} with the host's runtime-directory socket
     * (TCP and the other settings as {@code base} has them).
     */
    public static ExportServer.Factory factory(Config base) {
        return (devices, runtime) -> start(devices, base.withUnixSocket(runtime.ensureExists().nbdSocket()));
    }

    @Override
    public Optional<Path> unixSocket() {
        return Optional.ofNullable(unixSocket);
    }

    public Optional<InetSocketAddress> tcpAddress() {
        return Optional.ofNullable(tcpAddress);
    }

    /** The URI a client uses for {@code unit}: over the Unix socket when there is one, else over TCP. */
    @Override
    public String uriFor(String unit) {
        return unixSocket != null ? unixUriFor(unit) : tcpUriFor(unit);
    }

    /** {@code nbd+unix:///qcow0?socket=/run/user/1000/qcowdesk/nbd.sock} ({@code nbds+unix} with TLS). */
    public String unixUriFor(String unit) {
        if (unixSocket == null) {
            throw new IllegalStateException("this server has no Unix socket");
        }
        return NbdUris.unix(unixSocket, unit, context.config().tls() != null);
    }

    /** {@code nbd://127.0.0.1:10809/qcow0} ({@code nbds://} with TLS). */
    public String tcpUriFor(String unit) {
        if (tcpAddress == null) {
            throw new IllegalStateException("this server has no TCP listener");
        }
        return NbdUris.tcp(tcpAddress, unit, context.config().tls() != null);
    }

    /**
     * Listens on a fresh socket file at the Unix socket's path, after the old file was removed from under the
     * server (a cleaner emptied the runtime directory). Connected clients go on undisturbed.
     */
    @Override
    public synchronized void rebindUnixSocket() throws IOException {
        if (unixSocket == null || closed) {
            return;
        }
        ServerSocketChannel fresh = UnixSocketBinder.bind(unixSocket);
        Listener old = unixListener;
        unixListener = listen(fresh);
        if (old != null) {
            old.close();
            listeners.remove(old);
        }
    }

    /** The connections that hold {@code unit} (past their handshake). */
    @Override
    public List<ClientSocket> clients(String unit) {
        return connections.stream().filter(c -> unit.equals(c.unit())).map(Connection::describe).toList();
    }

    /** Number of open client connections (in any phase). */
    public int connectionCount() {
        return connections.size();
    }

    /** The payload buffer pool every connection of this server shares. */
    BufferPool pool() {
        return context.pool();
    }

    /**
     * Stops accepting, lets every connection answer its requests in flight, closes them, and removes the
     * socket file. Idempotent.
     */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        listeners.forEach(Listener::close);
        connections.forEach(Connection::stop);
        long deadline = System.nanoTime() + CLOSE_GRACE.toNanos();
        for (Thread thread : connectionThreads) {
            try {
                thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        context.workers().shutdown();
        context.timers().shutdownNow();
        if (unixSocket != null) {
            try {
                Files.deleteIfExists(unixSocket);
            } catch (IOException e) {
                LOG.warn("could not remove the NBD socket " + unixSocket + ": " + e);
            }
        }
    }

    private Listener listen(ServerSocketChannel channel) throws IOException {
        Listener listener = new Listener(channel, this::accepted);
        listeners.add(listener);
        DaemonThreads.start("nbd-listener-" + listeners.size(), listener);
        return listener;
    }

    private void accepted(SocketChannel client) {
        if (closed) {
            closeQuietly(client);
            return;
        }
        if (connections.size() >= context.config().maxConnections()) {
            LOG.peer().warn(() -> "turning away an NBD client: " + connections.size() + " connections already open");
            closeQuietly(client);
            return;
        }
        Object peer = PeerIdentity.of(client);
        if (perPeer.merge(peer, 1, Integer::sum) > context.config().maxPerPeer()) {
            perPeer.merge(peer, -1, Integer::sum);
            LOG.peer().warn(() -> "turning away an NBD client: " + peer + " already holds "
                    + context.config().maxPerPeer() + " connections");
            closeQuietly(client);
            return;
        }
        Connection connection = new Connection(client, context);
        Thread thread = connectionThreadFactory.newThread(() -> {
            try {
                connection.run();
            } finally {
                perPeer.computeIfPresent(peer, (key, count) -> count > 1 ? count - 1 : null);
                connections.remove(connection);
                connectionThreads.remove(Thread.currentThread());
            }
        });
        connections.add(connection);
        connectionThreads.add(thread);
        thread.start();
    }

    private static void closeQuietly(SocketChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing to do
        }
    }
}
