package qcowdesk.cli.serve;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import qcowdesk.cli.QcowctlProcess;
import qcowdesk.testkit.Peers;

import static qcowdesk.cli.QcowctlProcess.READY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Idle clients cannot lock everyone out: connections that finished their handshake and then send nothing are
 * capped per peer and dropped after the idle timeout, so a well-behaved client gets in.
 */
class IdleClientsTest {

    @TempDir
    Path dir;

    private Path image() {
        Path image = dir.resolve("disk.qcow2");
        Peers.ok("qemu-img", "create", "-q", "-f", "qcow2", image.toString(), "1M");
        return image;
    }

    /** Connects and completes a fixed-newstyle handshake (NBD_OPT_EXPORT_NAME); null when turned away. */
    private static SocketChannel idleClient(SocketAddress server, InetAddress from) throws IOException {
        SocketChannel channel = server instanceof UnixDomainSocketAddress
                ? SocketChannel.open(StandardProtocolFamily.UNIX) : SocketChannel.open();
        if (from != null) {
            channel.bind(new InetSocketAddress(from, 0));
        }
        channel.connect(server);
        ByteBuffer greeting = ByteBuffer.allocate(18);
        while (greeting.hasRemaining()) {
            if (channel.read(greeting) < 0) {
                channel.close();
                return null;
            }
        }
        byte[] name = "qcow0".getBytes(StandardCharsets.US_ASCII);
        ByteBuffer hello = ByteBuffer.allocate(4 + 16 + name.length).putInt(3)
                .putLong(0x49484156454F5054L).putInt(1).putInt(name.length).put(name).flip();
        while (hello.hasRemaining()) {
            channel.write(hello);
        }
        ByteBuffer export = ByteBuffer.allocate(10);
        while (export.hasRemaining()) {
            if (channel.read(export) < 0) {
                channel.close();
                return null;
            }
        }
        assertEquals(1L << 20, export.getLong(0));
        return channel;
    }

    private static void closeAll(List<SocketChannel> channels) {
        for (SocketChannel c : channels) {
            try {
                c.close();
            } catch (IOException ignored) {
                // closing test clients
            }
        }
    }

    /**
     * Over loopback TCP a peer is a user, not an address: idle clients of one user from 127.0.0.2 and 127.0.0.3
     * share that user's 40 slots (another address of 127.0.0.0/8 gives no more), that user's nbdinfo is turned
     * away, and another user's nbdinfo (run as nobody) gets in.
     */
    @Test
    void oneUserCannotTakeTheSlotsOfAnotherWhateverLoopbackAddressItUses() throws Exception {
        try (QcowctlProcess serve = QcowctlProcess.start(dir.resolve("run"), dir, "serve", "--port", "0",
                "--max-per-peer", "40", image().toString())) {
            String uri = serve.nextLine(READY);
            int port = Integer.parseInt(uri.replaceAll(".*:(\\d+)/.*", "$1"));
            InetSocketAddress server = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
            List<SocketChannel> idle = new ArrayList<>();
            int refused = 0;
            try {
                for (int i = 0; i < 60; i++) {
                    SocketChannel c = idleClient(server, InetAddress.getByName(i % 2 == 0 ? "127.0.0.2" : "127.0.0.3"));
                    if (c == null) {
                        refused++;
                    } else {
                        idle.add(c);
                    }
                }
                assertEquals(40, idle.size(), "the cap per user, over two loopback addresses");
                assertEquals(20, refused);
                Peers.Result same = Peers.run(Duration.ofSeconds(20), List.of("nbdinfo", "--size", uri));
                assertTrue(same.exitCode() != 0, "the same user is out of slots: " + same);
                Peers.Result other = Peers.run(Duration.ofSeconds(20), List.of("setpriv", "--reuid=65534",
                        "--regid=65534", "--clear-groups", "nbdinfo", "--size", uri));
                assertEquals(0, other.exitCode(), other.stderr());
                assertEquals("1048576", other.stdout().strip());
            } finally {
                closeAll(idle);
            }
            serve.signal("TERM");
            assertEquals(0, serve.awaitExit(READY).exitCode());
        }
    }

    /**
     * A daemon listening on its Unix socket and on TCP: one user's connections over both count against one
     * budget, so that user cannot take 2 x 40 slots by using both ways in.
     */
    @Test
    void aUsersUnixAndLoopbackConnectionsShareOneBudget() throws Exception {
        Path runtime = dir.resolve("run");
        int port;
        try (java.net.ServerSocket probe = new java.net.ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        try (QcowctlProcess daemon = QcowctlProcess.start(runtime, dir, "daemon", "--port", Integer.toString(port),
                "--max-per-peer", "40")) {
            daemon.nextLine(READY);
            QcowctlProcess.Result attach = QcowctlProcess.run(runtime, dir, "attach", image().toString());
            assertEquals(0, attach.exitCode(), attach.stderr());
            List<SocketChannel> idle = new ArrayList<>();
            try {
                for (int i = 0; i < 25; i++) {
                    SocketChannel c = idleClient(UnixDomainSocketAddress.of(runtime.resolve("nbd.sock")), null);
                    assertTrue(c != null, "Unix connection " + i);
                    idle.add(c);
                }
                InetSocketAddress server = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
                int refused = 0;
                for (int i = 0; i < 25; i++) {
                    SocketChannel c = idleClient(server, InetAddress.getByName("127.0.0.2"));
                    if (c == null) {
                        refused++;
                    } else {
                        idle.add(c);
                    }
                }
                assertEquals(10, refused, "25 over the Unix socket and 15 over TCP fill this user's 40");
            } finally {
                closeAll(idle);
            }
            daemon.signal("TERM");
            assertEquals(0, daemon.awaitExit(READY).exitCode());
        }
    }

    @Test
    void idleClientsAreDisconnectedSoOthersGetIn() throws Exception {
        Path socket = dir.resolve("nbd.sock");
        try (QcowctlProcess serve = QcowctlProcess.start(dir.resolve("run"), dir, "serve", "--socket",
                socket.toString(), "--idle-timeout", "2", "--max-per-peer", "100", image().toString())) {
            String uri = serve.nextLine(READY);
            List<SocketChannel> idle = new ArrayList<>();
            try {
                for (int i = 0; i < 100; i++) {
                    SocketChannel c = idleClient(UnixDomainSocketAddress.of(socket), null);
                    assertTrue(c != null, "connection " + i);
                    idle.add(c);
                }
                assertTrue(Peers.run(Duration.ofSeconds(20), List.of("nbdinfo", "--size", uri)).exitCode() != 0,
                        "every slot of this user is held");
                long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
                Peers.Result info;
                do {
                    Thread.sleep(500);
                    info = Peers.run(Duration.ofSeconds(20), List.of("nbdinfo", "--size", uri));
                } while (info.exitCode() != 0 && System.nanoTime() < deadline);
                assertEquals(0, info.exitCode(), "after the idle timeout: " + info.stderr());
                ByteBuffer probe = ByteBuffer.allocate(1);
                assertEquals(-1, idle.get(0).read(probe), "the idle client was disconnected");
            } finally {
                closeAll(idle);
            }
            serve.signal("TERM");
            assertEquals(0, serve.awaitExit(READY).exitCode());
        }
    }
}
