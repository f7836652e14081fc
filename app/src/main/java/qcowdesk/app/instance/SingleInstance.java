package qcowdesk.app.instance;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import qcowdesk.bridge.owner.StaleSockets;
import qcowdesk.engine.device.FileIdentity;
import qcowdesk.engine.support.DaemonThreads;
import qcowdesk.engine.support.Log;

/**
 * One desktop app per user: the first instance listens on {@code app.sock} in the user's private runtime
 * directory; a second launch hands its files to it there and exits, so that "Open with QcowDesk" in a file
 * manager adds the image to the running window. The message is the absolute paths, one per line, then the
 * end of the stream; the answer is {@code ok}.
 */
public final class SingleInstance implements AutoCloseable {

    public static final String SOCKET_NAME = "app.sock";
    /** A message larger than this is not a list of files someone meant to open. */
    static final int MAX_MESSAGE = 256 * 1024;
    private static final Duration HAND_OFF_TIMEOUT = Duration.ofSeconds(20);
    private static final Log LOG = Log.of(SingleInstance.class);

    /** How soon a socket removed by a cleaner is put back. */
    static final Duration KEEP_PERIOD = Duration.ofSeconds(1);

    /** Replaced when the socket file was removed from under us ({@link #restoreIfRemoved}). */
    private volatile ServerSocketChannel server;
    private final Path socket;
    private final Consumer<List<Path>> onFiles;
    private final ScheduledExecutorService keeper =
            Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("qcowdesk-single-instance-keeper"));
    private FileIdentity identity;

    private SingleInstance(ServerSocketChannel server, Path socket, Consumer<List<Path>> onFiles) throws IOException {
        this.server = server;
        this.socket = socket;
        this.onFiles = onFiles;
        this.identity = FileIdentity.of(socket);
    }

    /**
     * Gives {@code files} to the running app; true when it took them. False when no app runs (or it did not
     * answer in time): then this launch becomes the app.
     */
    public static boolean handOff(Path socket, List<Path> files) {
        if (!Files.exists(socket)) {
            return false;
        }
        CompletableFuture<Boolean> sent = CompletableFuture.supplyAsync(() -> send(socket, files),
                runnable -> DaemonThreads.start("qcowdesk-hand-off", runnable));
        try {
            return sent.get(HAND_OFF_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception notAnswered) {
            return false;
        }
    }

    private static boolean send(Path socket, List<Path> files) {
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(socket));
            StringBuilder message = new StringBuilder();
            for (Path file : files) {
                String path = file.toAbsolutePath().normalize().toString();
                if (path.indexOf('\n') < 0) {
                    message.append(path).append('\n');
                }
            }
            message.append('\n'); // never empty: an empty message is a probe
            ByteBuffer out = ByteBuffer.wrap(message.toString().getBytes(StandardCharsets.UTF_8));
            while (out.hasRemaining()) {
                channel.write(out);
            }
            channel.shutdownOutput();
            ByteBuffer answer = ByteBuffer.allocate(3);
            while (answer.hasRemaining() && channel.read(answer) >= 0) {
                // until "ok\n" or the end of the stream
            }
            return new String(answer.array(), 0, answer.position(), StandardCharsets.US_ASCII).equals("ok\n");
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Becomes the instance that receives files, calling {@code onFiles} (on a background thread) for each
     * later launch; empty when another process already listens or the socket cannot be made.
     */
    public static Optional<SingleInstance> listen(Path socket, Consumer<List<Path>> onFiles) {
        try {
            if (StaleSockets.isServed(socket)) {
                return Optional.empty();
            }
            Files.deleteIfExists(socket); // left behind by an instance that died
            ServerSocketChannel server = bind(socket);
            SingleInstance instance = new SingleInstance(server, socket, onFiles);
            DaemonThreads.start("qcowdesk-single-instance", () -> instance.serve(server));
            instance.keeper.scheduleWithFixedDelay(instance::restoreQuietly, KEEP_PERIOD.toMillis(),
                    KEEP_PERIOD.toMillis(), TimeUnit.MILLISECONDS);
            return Optional.of(instance);
        } catch (IOException e) {
            LOG.warn("a second launch cannot hand its files to this one: " + e.getMessage());
            return Optional.empty();
        }
    }

    private static ServerSocketChannel bind(Path socket) throws IOException {
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            server.bind(UnixDomainSocketAddress.of(socket));
            return server;
        } catch (IOException e) {
            server.close();
            throw e;
        }
    }

    private void restoreQuietly() {
        try {
            restoreIfRemoved();
        } catch (IOException e) {
            LOG.warn("cannot put " + socket + " back: " + e.getMessage());
        }
    }

    /**
     * Listens on a new socket file when ours was removed (a cleaner emptied the runtime directory), so that a
     * later launch still hands its files here instead of opening a second window. Waits for the directory to
     * be made again (by the device owner, private); leaves the name to another instance that took it meanwhile.
     * Returns whether it put the socket back.
     */
    synchronized boolean restoreIfRemoved() throws IOException {
        if (!server.isOpen() || !Files.isDirectory(socket.toAbsolutePath().getParent())) {
            return false;
        }
        try {
            if (FileIdentity.of(socket).equals(identity)) {
                return false;
            }
        } catch (IOException gone) {
            // removed: put it back below
        }
        if (StaleSockets.isServed(socket)) {
            return false;
        }
        Files.deleteIfExists(socket);
        ServerSocketChannel fresh = bind(socket);
        identity = FileIdentity.of(socket);
        ServerSocketChannel old = server;
        server = fresh;
        old.close();
        DaemonThreads.start("qcowdesk-single-instance", () -> serve(fresh));
        return true;
    }

    private void serve(ServerSocketChannel listening) {
        while (listening.isOpen()) {
            try (SocketChannel client = listening.accept()) {
                Optional<List<Path>> files = receive(client);
                if (files.isPresent()) {
                    client.write(ByteBuffer.wrap("ok\n".getBytes(StandardCharsets.US_ASCII)));
                    onFiles.accept(files.get());
                }
            } catch (ClosedChannelException closed) {
                return;
            } catch (IOException | RuntimeException e) {
                LOG.warn("a second launch's files could not be taken: " + e.getMessage());
            }
        }
    }

    /**
     * The paths a client sent; empty when it sent nothing (a probe: is anyone listening?) or more than a list
     * of files can be.
     */
    static Optional<List<Path>> receive(SocketChannel client) throws IOException {
        ByteBuffer in = ByteBuffer.allocate(MAX_MESSAGE + 1);
        while (in.hasRemaining() && client.read(in) >= 0) {
            // the client ends its message by shutting down its output
        }
        if (!in.hasRemaining()) {
            LOG.warn("ignoring a hand-off of more than " + MAX_MESSAGE + " bytes");
            return Optional.empty();
        }
        if (in.position() == 0) {
            return Optional.empty();
        }
        List<Path> files = new ArrayList<>();
        for (String line : new String(in.array(), 0, in.position(), StandardCharsets.UTF_8).split("\n")) {
            if (line.startsWith("/")) {
                files.add(Path.of(line));
            }
        }
        return Optional.of(files);
    }

    @Override
    public void close() {
        keeper.shutdownNow();
        try {
            server.close();
            Files.deleteIfExists(socket);
        } catch (IOException e) {
            LOG.warn("could not remove " + socket + ": " + e.getMessage());
        }
    }
}
