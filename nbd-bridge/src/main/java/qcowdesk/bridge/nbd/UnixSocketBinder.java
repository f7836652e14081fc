package qcowdesk.bridge.nbd;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;

import qcowdesk.bridge.RuntimeDirectory;
import qcowdesk.bridge.owner.PrivateDirectory;
import qcowdesk.engine.EngineException;
import qcowdesk.engine.ErrorCode;

/** Opens the Unix socket an NBD server listens on. */
final class UnixSocketBinder {

    private UnixSocketBinder() {
    }

    /**
     * Binds {@code socket}, creating its directory (mode 0700 when it is the user's runtime directory, which must
     * then be private: owned by this user, not a link, closed to others). A socket
     * file left by a server that died is replaced; one that still answers belongs to a running server and is an
     * error.
     */
    static ServerSocketChannel bind(Path socket) throws IOException {
        Path parent = socket.toAbsolutePath().getParent();
        if (parent.equals(RuntimeDirectory.forCurrentUser().path().toAbsolutePath())) {
            new RuntimeDirectory(parent).ensureExists();
            // the default directory may be /tmp/qcowdesk-UID, which another user can create first (su, sudo and
            // cron leave XDG_RUNTIME_DIR unset): never put a socket where someone else could swap in their own
            PrivateDirectory.require(parent);
        } else {
            Files.createDirectories(parent);
        }
        if (Files.exists(socket)) {
            if (isAlive(socket)) {
                throw new EngineException(ErrorCode.IN_USE, "another server is already listening on " + socket);
            }
            Files.delete(socket);
        }
        ServerSocketChannel channel = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            channel.bind(UnixDomainSocketAddress.of(socket));
        } catch (IOException e) {
            channel.close();
            throw new EngineException(ErrorCode.IO, "cannot listen on " + socket + ": " + e.getMessage(), e);
        }
        return channel;
    }

    private static boolean isAlive(Path socket) {
        try (SocketChannel probe = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
