package qcowdesk.bridge.nbd;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import qcowdesk.bridge.nbd.tls.TlsCredentials;
import qcowdesk.testkit.TestCertificates;
import qcowdesk.engine.EngineException;
import qcowdesk.bridge.nbd.wire.NbdMagic;
import qcowdesk.engine.device.AttachRequest;
import qcowdesk.engine.device.DeviceTable;
import qcowdesk.engine.qcow2.OpenOptions;
import qcowdesk.engine.qcow2.Qcow2Image;
import qcowdesk.testkit.Peers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * NBD over TLS with the real clients: libnbd (nbdinfo, nbdcopy) over {@code nbds://} and QEMU (qemu-io, qemu-img)
 * with {@code tls-creds-x509} / {@code tls-creds-psk}, against X.509 certificates and pre-shared keys made at
 * test time; and the refusals: plaintext options other than STARTTLS get NBD_REP_ERR_TLS_REQD, a wrong key, an
 * untrusted or missing client certificate end the handshake.
 */
class NbdTlsTest {

    private static final int REP_ERR_TLS_REQD = 0x80000005;
    private static final int OPT_STARTTLS = 5;

    @TempDir
    Path dir;
    TestCertificates certs;
    DeviceTable table;
    NbdServer server;
    Path image;

    @BeforeEach
    void makeImage() throws Exception {
        certs = TestCertificates.make(dir.resolve("pki"));
        image = dir.resolve("disk.qcow2");
        Peers.ok("qemu-img", "create", "-q", "-f", "qcow2", image.toString(), "16M");
        table = new DeviceTable((path, readOnly) -> Qcow2Image.open(path,
                readOnly ? OpenOptions.readOnly() : OpenOptions.readWrite()));
        table.attach(new AttachRequest(image.toString(), false, 9, null));
    }

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        table.close();
    }

    private int serve(TlsCredentials tls) throws Exception {
        server = NbdServer.start(table, NbdServer.Config.defaults().withoutUnixSocket().withTcpPort(0).withTls(tls));
        return server.tcpAddress().orElseThrow().getPort();
    }

    private TlsCredentials x509(boolean verifyClients) throws Exception {
        return TlsCredentials.load(certs.serverCert, certs.serverKey, verifyClients ? certs.caCert : null, null);
    }

    @Test
    void libnbdAndQemuReadAndWriteOverX509() throws Exception {
        int port = serve(x509(false));
        String uri = "nbds://127.0.0.1:" + port + "/qcow0?tls-certificates=" + certs.clientDirNoCert;
        String info = Peers.ok("nbdinfo", "--json", uri).stdout();
        assertTrue(info.contains("\"export-size\": 16777216"), info);

        byte[] data = new byte[4 << 20];
        new Random(9).nextBytes(data);
        Path in = dir.resolve("in.raw");
        Path out = dir.resolve("out.raw");
        Files.write(in, data);
        Peers.ok("nbdcopy", in.toString(), uri);
        Peers.ok("nbdcopy", uri, out.toString());
        assertArrayEquals(data, java.util.Arrays.copyOf(Files.readAllBytes(out), data.length));

        List<String> qemu = List.of("qemu-io", "--object",
                "tls-creds-x509,id=tls0,endpoint=client,dir=" + certs.clientDirNoCert, "--image-opts",
                "driver=nbd,host=127.0.0.1,port=" + port + ",export=qcow0,tls-creds=tls0",
                "-c", "write -P 0x5c 8M 64k", "-c", "read -P 0x5c 8M 64k");
        Peers.Result io = Peers.run(java.time.Duration.ofMinutes(1), qemu);
        assertEquals(0, io.exitCode(), io.toString());
        assertTrue(!io.stdout().contains("failed") && !io.stderr().contains("rror"), io.toString());

        Peers.Result qemuImg = Peers.run(java.time.Duration.ofMinutes(1), List.of("qemu-img", "info", "--object",
                "tls-creds-x509,id=tls0,endpoint=client,dir=" + certs.clientDirNoCert, "--image-opts",
                "driver=nbd,host=127.0.0.1,port=" + port + ",export=qcow0,tls-creds=tls0"));
        assertEquals(0, qemuImg.exitCode(), qemuImg.toString());
        assertTrue(qemuImg.stdout().contains("16 MiB"), qemuImg.stdout());
    }

    @Test
    void plaintextClientsAreRefusedBeforeStartTls() throws Exception {
        int port = serve(x509(false));
        Peers.Result plain = Peers.run("nbdinfo", "nbd://127.0.0.1:" + port + "/qcow0");
        assertNotEquals(0, plain.exitCode(), "a plaintext client must not get in: " + plain);

        try (SocketChannel channel = SocketChannel.open(new InetSocketAddress("127.0.0.1", port))) {
            ByteBuffer greeting = RawNbdClient.readExactly(channel, 18);
            assertEquals(NbdMagic.INIT_PASSWD, greeting.getLong());
            channel.write(ByteBuffer.allocate(4).putInt(3).flip());
            for (int option : new int[] {RawNbdClient.OPT_LIST, RawNbdClient.OPT_GO, RawNbdClient.OPT_INFO,
                    RawNbdClient.OPT_STRUCTURED_REPLY, RawNbdClient.OPT_LIST_META_CONTEXT}) {
                byte[] data = option == RawNbdClient.OPT_GO || option == RawNbdClient.OPT_INFO
                        ? RawNbdClient.infoData("qcow0") : new byte[0];
                channel.write(ByteBuffer.allocate(16 + data.length).putLong(NbdMagic.IHAVEOPT).putInt(option)
                        .putInt(data.length).put(data).flip());
                ByteBuffer reply = RawNbdClient.readExactly(channel, 20);
                assertEquals(NbdMagic.OPTION_REPLY, reply.getLong());
                assertEquals(option, reply.getInt());
                assertEquals(REP_ERR_TLS_REQD, reply.getInt(), "option " + option + " in plaintext");
                RawNbdClient.readExactly(channel, reply.getInt());
            }
            // STARTTLS itself is accepted (then the TLS handshake would begin).
            channel.write(ByteBuffer.allocate(16).putLong(NbdMagic.IHAVEOPT).putInt(OPT_STARTTLS).putInt(0).flip());
            ByteBuffer ack = RawNbdClient.readExactly(channel, 20);
            ack.getLong();
            assertEquals(OPT_STARTTLS, ack.getInt());
            assertEquals(RawNbdClient.REP_ACK, ack.getInt());
        }
    }

    @Test
    void preSharedKeysLetTheRightUserIn() throws Exception {
        int port = serve(TlsCredentials.load(null, null, null, certs.pskFile));
        String base = "nbds://alice@127.0.0.1:" + port + "/qcow0?tls-psk-file=";
        Peers.Result ok = Peers.run("nbdinfo", "--json", base + certs.pskFile);
        assertEquals(0, ok.exitCode(), ok.toString());
        assertTrue(ok.stdout().contains("\"export-size\": 16777216"), ok.stdout());

        Peers.Result wrongKey = Peers.run("nbdinfo", base + certs.wrongPskFile);
        assertNotEquals(0, wrongKey.exitCode(), "a wrong key must be refused: " + wrongKey);
        Peers.Result wrongUser = Peers.run("nbdinfo", "nbds://bob@127.0.0.1:" + port + "/qcow0?tls-psk-file="
                + certs.pskFile);
        assertNotEquals(0, wrongUser.exitCode(), "an unknown user must be refused: " + wrongUser);

        Peers.Result qemu = Peers.run(java.time.Duration.ofMinutes(1), List.of("qemu-io", "--object",
                "tls-creds-psk,id=tls0,endpoint=client,username=alice,dir=" + certs.pskFile.getParent(),
                "--image-opts", "driver=nbd,host=127.0.0.1,port=" + port + ",export=qcow0,tls-creds=tls0",
                "-c", "write -P 0x71 1M 4k", "-c", "read -P 0x71 1M 4k"));
        assertEquals(0, qemu.exitCode(), qemu.toString());
        assertTrue(!qemu.stdout().contains("failed") && !qemu.stderr().contains("rror"), qemu.toString());
    }

    @Test
    void clientCertificatesAreCheckedAgainstTheGivenCa() throws Exception {
        int port = serve(x509(true));
        String uri = "nbds://127.0.0.1:" + port + "/qcow0?tls-certificates=";
        Peers.Result trusted = Peers.run("nbdinfo", "--size", uri + certs.clientDir);
        assertEquals(0, trusted.exitCode(), trusted.toString());
        assertEquals("16777216", trusted.stdout().strip());
        Peers.Result none = Peers.run("nbdinfo", "--size", uri + certs.clientDirNoCert);
        assertNotEquals(0, none.exitCode(), "a client without a certificate must be refused: " + none);
        Peers.Result stranger = Peers.run("nbdinfo", "--size", uri + certs.strangerDir);
        assertNotEquals(0, stranger.exitCode(), "a certificate from another CA must be refused: " + stranger);
    }

    private Peers.Result qemuIoAs(Path clientDir, int port) {
        return Peers.run(java.time.Duration.ofMinutes(1), List.of("qemu-io", "--object",
                "tls-creds-x509,id=tls0,endpoint=client,dir=" + clientDir, "--image-opts",
                "driver=nbd,host=127.0.0.1,port=" + port + ",export=qcow0,tls-creds=tls0",
                "-c", "write -P 0x6d 4M 64k", "-c", "read -P 0x6d 4M 64k"));
    }

    /**
     * {@code --tls-allow-dn}: of two clients with certificates from the same CA only the one whose name is allowed
     * gets in (written with other case and spaces than openssl prints it); the other is refused at the handshake.
     */
    @Test
    void onlyAllowedClientNamesGetIn() throws Exception {
        int port = serve(TlsCredentials.load(certs.serverCert, certs.serverKey, certs.caCert, null,
                List.of("cn=alice, o=Example")));
        String uri = "nbds://127.0.0.1:" + port + "/qcow0?tls-certificates=";
        Peers.Result alice = Peers.run("nbdinfo", "--size", uri + certs.aliceDir);
        assertEquals(0, alice.exitCode(), alice.toString());
        assertEquals("16777216", alice.stdout().strip());
        Peers.Result aliceQemu = qemuIoAs(certs.aliceDir, port);
        assertEquals(0, aliceQemu.exitCode(), aliceQemu.toString());
        assertTrue(!aliceQemu.stdout().contains("failed") && !aliceQemu.stderr().contains("rror"),
                aliceQemu.toString());

        Peers.Result bob = Peers.run("nbdinfo", "--size", uri + certs.bobDir);
        assertNotEquals(0, bob.exitCode(), "bob's name is not allowed: " + bob);
        Peers.Result bobQemu = qemuIoAs(certs.bobDir, port);
        assertTrue(bobQemu.exitCode() != 0 || bobQemu.stdout().contains("failed")
                || bobQemu.stderr().contains("rror"), "bob's qemu-io must not get in: " + bobQemu);
        assertTrue(!bobQemu.stdout().contains("wrote"), bobQemu.toString());
        assertNotEquals(0, Peers.run("nbdinfo", "--size", uri + certs.clientDir).exitCode(), "nor CN=client");
        assertNotEquals(0, Peers.run("nbdinfo", "--size", uri + certs.strangerDir).exitCode(),
                "a certificate from another CA is still refused");
    }

    @Test
    void allowedNamesNeedTheCaAndMustBeNames() {
        EngineException noCa = assertThrows(EngineException.class, () -> TlsCredentials.load(certs.serverCert,
                certs.serverKey, null, null, List.of("CN=alice")));
        assertTrue(noCa.getMessage().contains("--tls-allow-dn") && noCa.getMessage().contains("--tls-ca"),
                noCa.getMessage());
        EngineException bad = assertThrows(EngineException.class, () -> TlsCredentials.load(certs.serverCert,
                certs.serverKey, certs.caCert, null, List.of("alice")));
        assertTrue(bad.getMessage().contains("--tls-allow-dn 'alice' is not a distinguished name"), bad.getMessage());
    }

    @Test
    void rsaServerAndClientKeysWork() throws Exception {
        // Most certificates in the field (and certtool's default) are RSA; TLS 1.3 then signs with RSA-PSS.
        Path pki = Files.createDirectories(dir.resolve("rsa"));
        Path key = pki.resolve("server-key.pem");
        Path cert = pki.resolve("server-cert.pem");
        rsaSignedByTestCa(key, cert, "/CN=localhost", "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
        Path client = Files.createDirectories(dir.resolve("rsa-client"));
        Files.copy(certs.caCert, client.resolve("ca-cert.pem"));
        rsaSignedByTestCa(client.resolve("client-key.pem"), client.resolve("client-cert.pem"), "/CN=client",
                "extendedKeyUsage=clientAuth\n");

        int port = serve(TlsCredentials.load(cert, key, certs.caCert, null));
        String uri = "nbds://127.0.0.1:" + port + "/qcow0?tls-certificates=";
        Peers.Result info = Peers.run("nbdinfo", "--size", uri + client);
        assertEquals(0, info.exitCode(), info.toString());
        assertEquals("16777216", info.stdout().strip());
        assertNotEquals(0, Peers.run("nbdinfo", "--size", uri + certs.strangerDir).exitCode(),
                "a certificate from another CA is still refused");
    }

    private void rsaSignedByTestCa(Path key, Path cert, String subject, String extensions) throws IOException {
        Path csr = cert.resolveSibling(cert.getFileName() + ".csr");
        Path ext = Files.writeString(cert.resolveSibling(cert.getFileName() + ".ext"), extensions);
        Peers.ok("openssl", "req", "-newkey", "rsa:2048", "-nodes", "-keyout", key.toString(), "-out", csr.toString(),
                "-subj", subject);
        Peers.ok("openssl", "x509", "-req", "-in", csr.toString(), "-CA", certs.caCert.toString(), "-CAkey",
                certs.caCert.resolveSibling("ca-key.pem").toString(), "-CAcreateserial", "-out", cert.toString(),
                "-days", "2", "-extfile", ext.toString());
    }
}
