package qcowdesk.cli.serve;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import qcowdesk.cli.QcowctlProcess;
import qcowdesk.testkit.TestCertificates;
import qcowdesk.testkit.Peers;

import static qcowdesk.cli.QcowctlProcess.READY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code --tls-psk} on {@code qcowctl serve} and {@code qcowctl daemon}, as real processes, with libnbd. */
class TlsProcessTest {

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

    /**
     * {@code serve --tls-allow-dn}: alice's certificate gets in (nbdinfo, qemu-io), bob's from the same CA is
     * refused at the handshake, and the server's log says whose name was refused and why.
     */
    @Test
    void serveLetsInOnlyTheAllowedClientNames() throws Exception {
        TestCertificates certs = TestCertificates.make(dir.resolve("pki"));
        QcowctlProcess.Result result;
        try (QcowctlProcess serve = QcowctlProcess.start(dir, dir, "serve", "--port", "0",
                "--tls-cert", certs.serverCert.toString(), "--tls-key", certs.serverKey.toString(),
                "--tls-ca", certs.caCert.toString(), "--tls-allow-dn", "CN=alice,O=Example",
                "--tls-allow-dn", "CN=carol,O=Example", image().toString())) {
            String uri = serve.nextLine(READY);
            assertTrue(uri.startsWith("nbds://127.0.0.1:"), uri);
            assertEquals("8388608", Peers.ok("nbdinfo", "--size", uri + "?tls-certificates=" + certs.aliceDir)
                    .stdout().strip());
            int port = Integer.parseInt(uri.replaceAll("^nbds://127\\.0\\.0\\.1:(\\d+)/.*$", "$1"));
            Peers.Result qemu = Peers.run(Duration.ofMinutes(1), List.of("qemu-io", "--object",
                    "tls-creds-x509,id=tls0,endpoint=client,dir=" + certs.aliceDir, "--image-opts",
                    "driver=nbd,host=127.0.0.1,port=" + port + ",export=qcow0,tls-creds=tls0",
                    "-c", "write -P 0x61 0 64k", "-c", "read -P 0x61 0 64k"));
            assertTrue(qemu.exitCode() == 0 && !qemu.stdout().contains("failed"), qemu.toString());
            Peers.Result bob = Peers.run("nbdinfo", "--size", uri + "?tls-certificates=" + certs.bobDir);
            assertNotEquals(0, bob.exitCode(), "bob is not on the list: " + bob);
            serve.signal("TERM");
            result = serve.awaitExit(Duration.ofSeconds(30));
        }
        assertTrue(result.stderr().contains("client certificate 'CN=bob,O=Example' is valid but its name is not "
                + "allowed (--tls-allow-dn)"), result.stderr());
        QcowctlProcess.Result noCa = QcowctlProcess.run(dir, dir, "serve", "--port", "0", "--tls-cert",
                certs.serverCert.toString(), "--tls-key", certs.serverKey.toString(), "--tls-allow-dn", "CN=alice",
                image().toString());
        assertNotEquals(0, noCa.exitCode());
        assertTrue(noCa.stderr().contains("--tls-allow-dn checks the names in client certificates: it needs "
                + "--tls-ca"), noCa.stderr());
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
