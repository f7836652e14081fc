package qcowdesk.bridge.nbd;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The listening sockets of an NBD server that does not serve yet. From the moment they are bound a client can
 * connect: its connection waits in the kernel's backlog for the server's greeting, which it gets once
 * {@link NbdServer#start(qcowdesk.engine.device.DeviceDirectory, BoundSockets)} runs. So a server that binds before
 * it opens its images ({@code qcowctl serve}) is reachable while they open, and a client started beside it waits
 * instead of failing and trying again. Closed before the server starts (an image did not open), it closes the
 * sockets, which ends the waiting clients' connections, and removes the socket file.
 */
public final class BoundSockets implements Closeable {

    private final NbdServer.Config config;
    private final List<ServerSocketChannel> channels;
    private final Path unixSocket;
    private final InetSocketAddress tcp;
    private boolean handedOver;

    private BoundSockets(NbdServer.Config config, List<ServerSocketChannel> channels, Path unixSocket,
                         InetSocketAddress tcp) {
        this.config = config;
        this.channels = channels;
        this.unixSocket = unixSocket;
        this.tcp = tcp;
    }

    /** Binds the Unix socket and the TCP address {@code config} names; fails (bound to nothing) if any fails. */
    public static BoundSockets bind(NbdServer.Config config) throws IOException {
        if (config.unixSocket() == null && config.tcp() == null) {
            throw new IllegalArgumentException("an NBD server needs a Unix socket or a TCP address");
        }
        List<ServerSocketChannel> opened = new ArrayList<>();
        try {
            InetSocketAddress tcp = null;
            if (config.unixSocket() != null) {
                opened.add(UnixSocketBinder.bind(config.unixSocket()));
            }
            if (config.tcp() != null) {
                ServerSocketChannel channel = ServerSocketChannel.open();
                opened.add(channel);
                channel.bind(config.tcp());
                tcp = (InetSocketAddress) channel.getLocalAddress();
            }
            return new BoundSockets(config, opened, config.unixSocket(), tcp);
        } catch (IOException | RuntimeException e) {
            closeAll(opened, config.unixSocket() != null && !opened.isEmpty() ? config.unixSocket() : null);
            throw e;
        }
    }

    NbdServer.Config config() {
        return config;
    }

    /** The Unix socket's path, or null. */
    Path unixSocket() {
        return unixSocket;
    }

    /** The TCP address actually bound (its port chosen when 0 was asked for), or null. */
    InetSocketAddress tcp() {
        return tcp;
    }

    /** The channels, given to the server that will accept on them: closing this no longer touches them. */
    synchronized List<ServerSocketChannel> handOver() {
        if (handedOver) {
            throw new IllegalStateException("these sockets already serve");
        }
        handedOver = true;
        return List.copyOf(channels);
    }

    /** Unless a server took them: closes the sockets and removes the Unix socket's file. */
    @Override
    public synchronized void close() {
        if (!handedOver) {
            handedOver = true;
            closeAll(channels, unixSocket);
        }
    }

    private static void closeAll(List<ServerSocketChannel> channels, Path socketFile) {
        for (ServerSocketChannel channel : channels) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // closing: nothing more to do
            }
        }
        if (socketFile != null) {
            try {
                Files.deleteIfExists(socketFile);
            } catch (IOException ignored) {
                // a stale socket file is replaced by the next bind
            }
        }
    }
}
