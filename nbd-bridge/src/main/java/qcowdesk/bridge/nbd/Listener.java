package qcowdesk.bridge.nbd;

import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.function.Consumer;

import qcowdesk.engine.support.Log;
import qcowdesk.engine.support.PeerLog;

/** Accepts connections on one server socket (Unix or TCP) until closed. */
final class Listener implements Runnable {

    private static final PeerLog LOG = Log.of(Listener.class).peer();

    private final ServerSocketChannel server;
    private final boolean tcp;
    private final Consumer<SocketChannel> onAccept;

    Listener(ServerSocketChannel server, Consumer<SocketChannel> onAccept) throws IOException {
        this.server = server;
        this.tcp = !(server.getLocalAddress() instanceof java.net.UnixDomainSocketAddress);
        this.onAccept = onAccept;
    }

    @Override
    public void run() {
        while (server.isOpen()) {
            try {
                SocketChannel client = server.accept();
                if (tcp) {
                    // Requests and replies are small and latency-bound: never let Nagle hold them back.
                    client.setOption(StandardSocketOptions.TCP_NODELAY, true);
                }
                onAccept.accept(client);
            } catch (ClosedChannelException closed) {
                return;
            } catch (IOException e) {
                LOG.warn(() -> "NBD listener could not accept a connection: " + e);
            }
        }
    }

    void close() {
        try {
            server.close();
        } catch (IOException ignored) {
            // closing is all we wanted
        }
    }
}
