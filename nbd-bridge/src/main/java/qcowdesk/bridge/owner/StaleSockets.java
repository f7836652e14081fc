package qcowdesk.bridge.owner;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/** Tells a live Unix socket from one left behind by a process that died. */
public final class StaleSockets {

    private StaleSockets() {
    }

    /** Whether a process accepts connections on {@code socket} right now. */
    public static boolean isServed(Path socket) {
        if (!Files.exists(socket, LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            probe.connect(UnixDomainSocketAddress.of(socket));
            return true;
        } catch (IOException refusedOrNotASocket) {
            return false;
        }
    }
}
