package qcowdesk.bridge.nbd;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;

/**
 * Who is at the other end of a connection, for the per-peer connection cap: on a Unix socket the peer's user
 * (SO_PEERCRED); over TCP from this machine (loopback) also the user, found as the owner of the client's socket
 * in {@code /proc/net/tcp} and {@code tcp6}, because every local user can connect from any of the 2^24 addresses of
 * 127.0.0.0/8 and would otherwise count as that many peers; over TCP from elsewhere the peer's address. One peer
 * can then never hold every slot of the server.
 */
final class PeerIdentity {

    private static final List<Path> TCP_TABLES = List.of(Path.of("/proc/net/tcp"), Path.of("/proc/net/tcp6"));

    private PeerIdentity() {
    }

    /**
     * A peer: {@code key} decides who counts as the same peer (a user principal, which the JDK compares by uid, so
     * a user's Unix-socket and loopback connections share one budget; or an address), {@code words} name it in
     * log lines.
     */
    record Peer(Object key, String words) {
        @Override
        public boolean equals(Object other) {
            return other instanceof Peer peer && peer.key.equals(key);
        }

        @Override
        public int hashCode() {
            return key.hashCode();
        }

        @Override
        public String toString() {
            return words;
        }
    }

    static Peer of(SocketChannel channel) {
        try {
            SocketAddress remote = channel.getRemoteAddress();
            if (remote instanceof InetSocketAddress tcp) {
                if (tcp.getAddress().isLoopbackAddress()
                        && channel.getLocalAddress() instanceof InetSocketAddress local) {
                    String uid = socketOwner(tcp, local);
                    if (uid != null) {
                        UserPrincipal user = FileSystems.getDefault().getUserPrincipalLookupService()
                                .lookupPrincipalByName(uid);
                        return new Peer(user, "user with uid " + uid);
                    }
                }
                String address = tcp.getAddress().getHostAddress();
                return new Peer("address " + address, "address " + address);
            }
            UnixDomainPrincipal principal = channel.getOption(ExtendedSocketOptions.SO_PEERCRED);
            return new Peer(principal.user(), "user " + principal.user().getName());
        } catch (IOException | UnsupportedOperationException e) {
            return new Peer("unknown peer", "unknown peer");
        }
    }

    /**
     * The uid owning the TCP socket whose local end is {@code client} and remote end {@code server} (the client's
     * own socket, seen from this machine), or null when it is not found (another network namespace).
     */
    static String socketOwner(InetSocketAddress client, InetSocketAddress server) throws IOException {
        for (Path table : TCP_TABLES) {
            if (!Files.isReadable(table)) {
                continue;
            }
            String clientEnd = endpoint(client, table.endsWith("tcp6"));
            String serverEnd = endpoint(server, table.endsWith("tcp6"));
            for (String line : Files.readAllLines(table)) {
                String[] f = line.trim().split("\\s+");
                if (f.length > 7 && f[1].equalsIgnoreCase(clientEnd) && f[2].equalsIgnoreCase(serverEnd)) {
                    return f[7];
                }
            }
        }
        return null;
    }

    /**
     * An address and port as the kernel prints them in /proc/net/tcp{,6}: the address in 32-bit words, each in
     * host (little-endian) order, then the port in hex; an IPv4 address in the IPv6 table is IPv4-mapped.
     */
    static String endpoint(InetSocketAddress address, boolean v6Table) {
        InetAddress a = address.getAddress();
        byte[] bytes = a.getAddress();
        if (v6Table && a instanceof Inet4Address) {
            byte[] mapped = new byte[16];
            mapped[10] = (byte) 0xff;
            mapped[11] = (byte) 0xff;
            System.arraycopy(bytes, 0, mapped, 12, 4);
            bytes = mapped;
        }
        StringBuilder hex = new StringBuilder();
        for (int word = 0; word < bytes.length; word += 4) {
            for (int i = 3; i >= 0; i--) {
                hex.append(HexFormat.of().toHexDigits(bytes[word + i]));
            }
        }
        return hex.toString().toUpperCase(Locale.ROOT) + ":" + String.format("%04X", address.getPort());
    }
}
