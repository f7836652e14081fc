package qcowdesk.bridge.nbd;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.channels.SocketChannel;

import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;

/**
 * Who is at the other end of a connection, for the per-peer connection cap: on a Unix socket the peer's user
 * (SO_PEERCRED), over TCP the peer's address. One peer can then never hold every slot of the server.
 */
final class PeerIdentity {

    private PeerIdentity() {
    }

    static Object of(SocketChannel channel) {
        try {
            SocketAddress remote = channel.getRemoteAddress();
            if (remote instanceof InetSocketAddress tcp) {
                return "address " + tcp.getAddress().getHostAddress();
            }
            UnixDomainPrincipal principal = channel.getOption(ExtendedSocketOptions.SO_PEERCRED);
            return "user " + principal.user().getName();
        } catch (IOException | UnsupportedOperationException e) {
            return "unknown peer";
        }
    }
}
