package qcowdesk.cli.serve;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import qcowdesk.cli.QcowctlProcess;
import qcowdesk.testkit.Peers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code --tls-psk} on {@code qcowctl serve} and {@code qcowctl daemon}, as real processes, with libnbd. */
class TlsProcessTest {

    private static final Duration READY = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private Path pskFile() throws Exception {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        Path psk = dir.resolve("keys.psk");
        Files.writeString(psk, "alice:" + HexFormat.of().formatHex(key) + "\n");
        return psk;
    }

    private Path image() {
        Path image = dir.resolve("disk.qcow2");
        Peers.ok("qemu-img", "create", "-q", "-f", "qcow2", image.toString(), "8M");
        return image;
    }

    @Test
    void serveWithPskPrintsAnNbdsUriThatOnlyKeyHoldersOpen() throws Exception {
        Path psk = pskFile();
        try (QcowctlProcess serve = QcowctlProcess.start(dir, dir, "serve", "--port", "0", "--tls-psk",
                psk.toString(), image().toString())) {
            String uri = serve.nextLine(READY);
            assertTrue(uri.startsWith("nbds://127.0.0.1:"), uri);
            String withUser = uri.replace("nbds://", "nbds://alice@") + "?tls-psk-file=" + psk;
            assertEquals("8388608", Peers.ok("nbdinfo", "--size", withUser).stdout().strip());
            Peers.Result plain = Peers.run("nbdinfo", "--size", uri.replace("nbds://", "nbd://"));
            assertNotEquals(0, plain.exitCode(), "plaintext must be refused: " + plain);
        }
    }

    @Test
    void daemonExportsOverTlsOnItsUnixSocket() throws Exception {
        Path psk = pskFile();
        Path runtime = dir.resolve("runtime");
        try (QcowctlProcess daemon = QcowctlProcess.start(runtime, dir, "daemon", "--tls-psk", psk.toString())) {
            assertTrue(daemon.nextLine(READY).endsWith("(TLS only)"));
            QcowctlProcess.Result attach = QcowctlProcess.run(runtime, dir, "attach", image().toString());
            assertEquals(0, attach.exitCode(), attach.stderr());
            String uri = attach.stdout().strip().split(" ", 2)[1];
            assertTrue(uri.startsWith("nbds+unix:///qcow0?socket="), uri);
            String withUser = uri.replace("nbds+unix://", "nbds+unix://alice@") + "&tls-psk-file=" + psk;
            assertEquals("8388608", Peers.ok("nbdinfo", "--size", withUser).stdout().strip());
            daemon.signal("TERM");
            assertEquals(0, daemon.awaitExit(Duration.ofSeconds(30)).exitCode());
        }
    }

    @Test
    void aBadKeyFileStopsTheStartWithAClearMessage() throws Exception {
        Path psk = dir.resolve("bad.psk");
        Files.writeString(psk, "alice:not-hex\n");
        QcowctlProcess.Result r = QcowctlProcess.run(dir, dir, "serve", "--port", "0", "--tls-psk", psk.toString(),
                image().toString());
        assertNotEquals(0, r.exitCode());
        assertTrue(r.stderr().contains("--tls-psk " + psk + ": line 1: the key is not hexadecimal"), r.stderr());
        Path cert = dir.resolve("missing.pem");
        QcowctlProcess.Result half = QcowctlProcess.run(dir, dir, "serve", "--port", "0", "--tls-cert",
                cert.toString(), image().toString());
        assertTrue(half.stderr().contains("--tls-cert and --tls-key go together"), half.stderr());
    }
}
