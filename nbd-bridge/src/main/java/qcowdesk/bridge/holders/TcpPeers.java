package qcowdesk.bridge.holders;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * The socket inode of the client end of a TCP connection, when that end is on this machine, from
 * {@code /proc/net/tcp} and {@code tcp6} (addresses in hex, each 32-bit word in host byte order).
 */
final class TcpPeers {

    private TcpPeers() {
    }

    /** The inode of the socket whose local address is {@code client} and remote address {@code server}; -1 if none. */
    static long clientInode(InetSocketAddress client, InetSocketAddress server) {
        String local = hex(client);
        String remote = hex(server);
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            List<String> lines;
            try {
                lines = Files.readAllLines(Path.of(table));
            } catch (IOException e) {
                continue;
            }
            for (String line : lines) {
                String[] f = line.strip().split("\\s+");
                if (f.length > 9 && f[1].equalsIgnoreCase(local) && f[2].equalsIgnoreCase(remote)) {
                    return Long.parseLong(f[9]);
                }
            }
        }
        return -1;
    }

    /** {@code 0100007F:A8C0} for 127.0.0.1:43200: each 4-byte word of the address reversed (little-endian hosts). */
    static String hex(InetSocketAddress address) {
        byte[] bytes = address.getAddress().getAddress();
        StringBuilder out = new StringBuilder();
        for (int word = 0; word < bytes.length; word += 4) {
            for (int i = 3; i >= 0; i--) {
                out.append(HexFormat.of().toHexDigits(bytes[word + i]));
            }
        }
        return out.toString().toUpperCase(Locale.ROOT) + ":" + String.format("%04X", address.getPort());
    }
}
