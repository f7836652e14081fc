package qcowdesk.bridge.nbd;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** NBD URIs as libnbd and QEMU parse them. */
final class NbdUris {

    private NbdUris() {
    }

    static String unix(Path socket, String unit) {
        return "nbd+unix:///" + unit + "?socket=" + percentEncoded(socket.toAbsolutePath().toString());
    }

    static String tcp(InetSocketAddress address, String unit) {
        InetAddress host = address.getAddress();
        String name = host instanceof Inet6Address ? "[" + host.getHostAddress() + "]" : host.getHostAddress();
        return "nbd://" + name + ":" + address.getPort() + "/" + unit;
    }

    /** Percent-encodes what a URI query may not hold as is (a socket path with spaces, for one). */
    private static String percentEncoded(String text) {
        StringBuilder out = new StringBuilder();
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if (c < 128 && (Character.isLetterOrDigit(c) || "-._~/".indexOf(c) >= 0)) {
                out.append(c);
            } else {
                out.append(String.format("%%%02X", b & 0xff));
            }
        }
        return out.toString();
    }
}
