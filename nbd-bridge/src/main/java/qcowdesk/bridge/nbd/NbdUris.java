package qcowdesk.bridge.nbd;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * NBD URIs as libnbd and QEMU parse them (the NBD project's URI specification): the one place that writes them,
 * for the server, the CLI and the app. A TLS-only server's URIs are {@code nbds://} and {@code nbds+unix://}.
 */
public final class NbdUris {

    private NbdUris() {
    }

    /** {@code nbd+unix:///qcow0?socket=/run/user/1000/qcowdesk/nbd.sock}, the socket path percent-encoded. */
    public static String unix(Path socket, String unit) {
        return unix(socket, unit, false);
    }

    /** {@link #unix(Path, String)}, as {@code nbds+unix://} when the server speaks TLS only. */
    public static String unix(Path socket, String unit, boolean tls) {
        return (tls ? "nbds" : "nbd") + "+unix:///" + unit + "?socket=" + percentEncoded(socket.toAbsolutePath().toString());
    }

    /** {@code nbd://127.0.0.1:10809/qcow0}, or {@code nbd://[::1]:10809/qcow0} for IPv6. */
    public static String tcp(InetSocketAddress address, String unit) {
        return tcp(address, unit, false);
    }

    /** {@link #tcp(InetSocketAddress, String)}, as {@code nbds://} when the server speaks TLS only. */
    public static String tcp(InetSocketAddress address, String unit, boolean tls) {
        return (tls ? "nbds" : "nbd") + "://" + host(address.getAddress()) + ":" + address.getPort() + "/" + unit;
    }

    /** An address as a URI host: IPv4 dotted, IPv6 in brackets, compressed (RFC 5952), zone as {@code %25zone}. */
    static String host(InetAddress address) {
        if (!(address instanceof Inet6Address v6)) {
            return address.getHostAddress();
        }
        String zone = v6.getScopedInterface() != null ? v6.getScopedInterface().getName()
                : v6.getScopeId() != 0 ? Integer.toString(v6.getScopeId()) : null;
        return "[" + compressed(v6.getAddress()) + (zone == null ? "" : "%25" + percentEncoded(zone)) + "]";
    }

    /** RFC 5952: lower-case hex, no leading zeros, the longest run of two or more zero groups as {@code ::}. */
    private static String compressed(byte[] bytes) {
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = ((bytes[2 * i] & 0xff) << 8) | (bytes[2 * i + 1] & 0xff);
        }
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < 8; ) {
            int j = i;
            while (j < 8 && groups[j] == 0) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = j == i ? i + 1 : j;
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                out.append("::");
                i += bestLength - 1;
                continue;
            }
            if (out.length() > 0 && out.charAt(out.length() - 1) != ':') {
                out.append(':');
            }
            out.append(Integer.toHexString(groups[i]));
        }
        return out.toString();
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
