package qcowdesk.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;


/**
 * Certificates and pre-shared keys made at test time with openssl, laid out as clients look for them: a directory
 * with {@code ca-cert.pem} (and {@code client-cert.pem}/{@code client-key.pem}) is what libnbd's
 * {@code tls-certificates=DIR} and QEMU's {@code tls-creds-x509,dir=DIR} read; {@code keys.psk} is what
 * {@code tls-psk-file=FILE} and {@code tls-creds-psk,dir=DIR} read.
 */
public final class TestCertificates {

    public final Path serverCert;
    public final Path serverKey;
    public final Path caCert;
    /** Holds only ca-cert.pem: a client that checks the server and presents no certificate of its own. */
    public final Path clientDirNoCert;
    /** ca-cert.pem, client-cert.pem and client-key.pem signed by the CA. */
    public final Path clientDir;
    /** A CA and client certificate the server does not trust. */
    public final Path strangerDir;
    /** Client directories (ca-cert.pem, client-cert.pem, client-key.pem) for "CN=alice,O=Example" and "CN=bob,O=Example". */
    public final Path aliceDir;
    public final Path bobDir;
    /** keys.psk with the user "alice". */
    public final Path pskFile;
    /** keys.psk with a different key for "alice". */
    public final Path wrongPskFile;

    private TestCertificates(Path dir) throws IOException {
        Path server = Files.createDirectories(dir.resolve("server"));
        caCert = server.resolve("ca-cert.pem");
        Path caKey = server.resolve("ca-key.pem");
        selfSigned(caKey, caCert, "/CN=QcowDesk test CA");
        serverKey = server.resolve("server-key.pem");
        serverCert = server.resolve("server-cert.pem");
        signed(server, serverKey, serverCert, "/CN=localhost", caCert, caKey,
                "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n"
                        + "keyUsage=critical,digitalSignature\n");

        clientDirNoCert = Files.createDirectories(dir.resolve("client-nocert"));
        Files.copy(caCert, clientDirNoCert.resolve("ca-cert.pem"));
        clientDir = clientOf(dir.resolve("client"), "/CN=client", caCert, caKey);
        aliceDir = clientOf(dir.resolve("alice"), "/O=Example/CN=alice", caCert, caKey);
        bobDir = clientOf(dir.resolve("bob"), "/O=Example/CN=bob", caCert, caKey);

        strangerDir = Files.createDirectories(dir.resolve("stranger"));
        Files.copy(caCert, strangerDir.resolve("ca-cert.pem"));
        Path otherCa = dir.resolve("other-ca-cert.pem");
        Path otherCaKey = dir.resolve("other-ca-key.pem");
        selfSigned(otherCaKey, otherCa, "/CN=someone else");
        signed(strangerDir, strangerDir.resolve("client-key.pem"), strangerDir.resolve("client-cert.pem"),
                "/CN=stranger", otherCa, otherCaKey, "extendedKeyUsage=clientAuth\nkeyUsage=critical,digitalSignature\n");

        pskFile = Files.createDirectories(dir.resolve("psk")).resolve("keys.psk");
        Files.writeString(pskFile, "alice:" + randomHex() + "\n");
        wrongPskFile = Files.createDirectories(dir.resolve("psk-wrong")).resolve("keys.psk");
        Files.writeString(wrongPskFile, "alice:" + randomHex() + "\n");
    }

    public static TestCertificates make(Path dir) throws IOException {
        return new TestCertificates(dir);
    }

    /** A client directory with a certificate for {@code subject} signed by the CA, as libnbd and QEMU read it. */
    private static Path clientOf(Path dir, String subject, Path caCert, Path caKey) throws IOException {
        Files.createDirectories(dir);
        Files.copy(caCert, dir.resolve("ca-cert.pem"));
        signed(dir, dir.resolve("client-key.pem"), dir.resolve("client-cert.pem"), subject, caCert, caKey,
                "extendedKeyUsage=clientAuth\nkeyUsage=critical,digitalSignature\n");
        return dir;
    }

    private static String randomHex() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return HexFormat.of().formatHex(key);
    }

    private static void selfSigned(Path key, Path cert, String subject) {
        Peers.ok("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-keyout", key.toString(), "-out", cert.toString(), "-days", "2", "-subj", subject,
                "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign");
    }

    private static void signed(Path dir, Path key, Path cert, String subject, Path caCert, Path caKey,
                               String extensions) throws IOException {
        Path csr = dir.resolve(cert.getFileName() + ".csr");
        Path ext = dir.resolve(cert.getFileName() + ".ext");
        Files.writeString(ext, extensions);
        Peers.ok("openssl", "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-keyout", key.toString(), "-out", csr.toString(), "-subj", subject);
        Peers.ok("openssl", "x509", "-req", "-in", csr.toString(), "-CA", caCert.toString(), "-CAkey",
                caKey.toString(), "-CAcreateserial", "-out", cert.toString(), "-days", "2", "-extfile",
                ext.toString());
        Files.delete(csr);
        Files.delete(ext);
    }
}
