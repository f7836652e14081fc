package qcowdesk.cli.serve;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import qcowdesk.cli.Qcowctl;
import qcowdesk.testkit.Peers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Logging never stalls serving: with stderr a pipe that nobody reads, thousands of connections that each cause a
 * log line (a broken handshake) leave the server answering a well-behaved client at once.
 */
class LogFloodTest {

    private static final int CONNECTIONS = 2000;

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 90, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aFloodOfDroppedConnectionsWithAnUnreadStderrDoesNotFreezeTheServer() throws Exception {
        Path image = dir.resolve("disk.qcow2");
        Peers.ok("qemu-img", "create", "-q", "-f", "qcow2", image.toString(), "1M");
        Path socket = dir.resolve("nbd.sock");
        ProcessBuilder builder = new ProcessBuilder(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                Qcowctl.class.getName(), "serve", "--socket", socket.toString(), image.toString()))
                .directory(dir.toFile()).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectError(ProcessBuilder.Redirect.PIPE); // never read: it fills up and blocks its writers
        builder.environment().put("QCOWDESK_RUNTIME_DIR", dir.resolve("run").toString());
        Process serve = builder.start();
        try {
            String uri = new BufferedReader(new InputStreamReader(serve.getInputStream(), StandardCharsets.UTF_8))
                    .readLine();
            assertTrue(uri != null && uri.startsWith("nbd+unix://"), String.valueOf(uri));
            for (int i = 0; i < CONNECTIONS; i++) {
                try (SocketChannel client = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                    client.connect(UnixDomainSocketAddress.of(socket));
                    ByteBuffer greeting = ByteBuffer.allocate(18);
                    while (greeting.hasRemaining() && client.read(greeting) >= 0) {
                        // the server's greeting
                    }
                    client.write(ByteBuffer.wrap(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff}));
                }
            }
            Peers.Result info = Peers.run(Duration.ofSeconds(20), List.of("nbdinfo", "--size", uri));
            assertEquals(0, info.exitCode(), info.stderr());
            assertEquals("1048576", info.stdout().strip());
        } finally {
            serve.destroy();
            if (!serve.waitFor(10, TimeUnit.SECONDS)) {
                serve.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }
}
