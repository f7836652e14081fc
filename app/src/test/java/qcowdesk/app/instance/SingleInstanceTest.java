package qcowdesk.app.instance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SingleInstanceTest {

    @TempDir
    Path dir;

    @Test
    void aSecondLaunchHandsItsFilesToTheFirst() throws Exception {
        Path socket = dir.resolve(SingleInstance.SOCKET_NAME);
        assertFalse(SingleInstance.handOff(socket, List.of(dir.resolve("a.qcow2"))), "no app runs yet");

        LinkedBlockingQueue<List<Path>> received = new LinkedBlockingQueue<>();
        try (SingleInstance first = SingleInstance.listen(socket, received::add).orElseThrow()) {
            assertTrue(SingleInstance.listen(socket, received::add).isEmpty(), "only one instance listens");
            assertTrue(SingleInstance.handOff(socket, List.of(Path.of("b.qcow2"), dir.resolve("c d.qcow2"))));
            assertEquals(List.of(Path.of("b.qcow2").toAbsolutePath(), dir.resolve("c d.qcow2")),
                    received.poll(5, TimeUnit.SECONDS));
        }
        assertFalse(Files.exists(socket), "the socket goes with the instance");
        assertFalse(SingleInstance.handOff(socket, List.of(dir.resolve("a.qcow2"))));
    }

    @Test
    void aSocketLeftByADeadInstanceIsTakenOver() throws Exception {
        Path socket = dir.resolve(SingleInstance.SOCKET_NAME);
        try (ServerSocketChannel dead = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            dead.bind(UnixDomainSocketAddress.of(socket));
        }
        assertTrue(Files.exists(socket));
        LinkedBlockingQueue<List<Path>> received = new LinkedBlockingQueue<>();
        try (SingleInstance instance = SingleInstance.listen(socket, received::add).orElseThrow()) {
            assertTrue(SingleInstance.handOff(socket, List.of(dir.resolve("x.qcow2"))));
            assertEquals(List.of(dir.resolve("x.qcow2")), received.poll(5, TimeUnit.SECONDS));
        }
    }

    @Test
    void anOversizedMessageIsRefusedAndTheInstanceKeepsServing() throws Exception {
        Path socket = dir.resolve(SingleInstance.SOCKET_NAME);
        LinkedBlockingQueue<List<Path>> received = new LinkedBlockingQueue<>();
        try (SingleInstance instance = SingleInstance.listen(socket, received::add).orElseThrow();
             SocketChannel flood = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            ByteBuffer junk = ByteBuffer.wrap(("/" + "x".repeat(1023) + "\n").repeat(300).getBytes());
            try {
                while (junk.hasRemaining() && flood.write(junk) > 0) {
                    // the server stops reading after its limit and closes: the rest may not fit
                }
                flood.shutdownOutput();
                assertEquals(-1, flood.read(ByteBuffer.allocate(3)), "no ok for a flood");
            } catch (IOException closedWithUnreadData) {
                // a reset or a broken pipe: refused all the same
            }
            assertEquals(null, received.poll(200, TimeUnit.MILLISECONDS), "nothing opened from a flood");
            assertTrue(SingleInstance.handOff(socket, List.of(dir.resolve("y.qcow2"))));
            assertEquals(Optional.of(List.of(dir.resolve("y.qcow2"))),
                    Optional.ofNullable(received.poll(5, TimeUnit.SECONDS)));
        }
    }

    @Test
    void aSocketRemovedByACleanerIsPutBack() throws Exception {
        Path socket = dir.resolve("app.sock");
        // a hand-off is acknowledged before the listener's thread passes the files on: wait for them
        LinkedBlockingQueue<List<Path>> received = new LinkedBlockingQueue<>();
        try (SingleInstance instance = SingleInstance.listen(socket, received::add).orElseThrow()) {
            Files.delete(socket);
            assertFalse(SingleInstance.handOff(socket, List.of(dir.resolve("lost.qcow2"))), "nothing to reach");
            long deadline = System.nanoTime() + java.time.Duration.ofSeconds(15).toNanos();
            while (!Files.exists(socket) && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertTrue(SingleInstance.handOff(socket, List.of(dir.resolve("z.qcow2"))), "the socket is back");
            assertEquals(List.of(dir.resolve("z.qcow2")), received.poll(5, TimeUnit.SECONDS));
            assertEquals(null, received.poll(200, TimeUnit.MILLISECONDS), "the unreachable hand-off is not replayed");
        }
    }
}
