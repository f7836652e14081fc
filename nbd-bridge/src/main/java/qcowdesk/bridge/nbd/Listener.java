package qcowdesk.bridge.nbd;

import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.net.StandardSocketOptions;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.function.Consumer;

/** Accepts connections on one server socket (Unix or TCP) until closed. */
final class Listener implements Runnable {

    private static final Logger LOG = System.getLogger(Listener.class.getName());

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
                LOG.log(Level.WARNING, "NBD listener could not accept a connection: " + e);
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
