package qcowdesk.bridge.nbd.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import qcowdesk.engine.EngineException;
import qcowdesk.engine.ErrorCode;

/** PEM certificates and PKCS#8 private keys, as openssl and certtool write them. */
final class PemFiles {

    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\\s]+)-----END \\1-----");
    private static final long MAX_FILE = 1 << 20;

    private PemFiles() {
    }

    /** Every certificate in {@code file}, in order (a server's own certificate first, then its chain). */
    static List<X509Certificate> certificates(Path file, String option) throws EngineException {
        List<X509Certificate> certificates = new ArrayList<>();
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            for (Block block : blocks(file, option)) {
                if (block.label().equals("CERTIFICATE")) {
                    certificates.add((X509Certificate) factory.generateCertificate(
                            new ByteArrayInputStream(block.der())));
                }
            }
        } catch (CertificateException e) {
            throw invalid(option, file, "not a valid X.509 certificate: " + e.getMessage());
        }
        if (certificates.isEmpty()) {
            throw invalid(option, file, "holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
        }
        return certificates;
    }

    /** The private key in {@code file}: PKCS#8 ("BEGIN PRIVATE KEY"), RSA, EC or Ed25519. */
    static PrivateKey privateKey(Path file, String option) throws EngineException {
        for (Block block : blocks(file, option)) {
            if (block.label().equals("PRIVATE KEY")) {
                for (String algorithm : List.of("RSA", "EC", "Ed25519", "Ed448")) {
                    try {
                        return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(block.der()));
                    } catch (GeneralSecurityException notThisOne) {
                        // try the next algorithm
                    }
                }
                throw invalid(option, file, "holds a private key of an unsupported algorithm (RSA, EC, Ed25519)");
            }
            if (block.label().endsWith("PRIVATE KEY")) {
                throw invalid(option, file, "holds a '" + block.label() + "'; only unencrypted PKCS#8 keys are read"
                        + " (convert with: openssl pkcs8 -topk8 -nocrypt -in " + file + ")");
            }
        }
        throw invalid(option, file, "holds no PEM private key (-----BEGIN PRIVATE KEY-----)");
    }

    private record Block(String label, byte[] der) {
    }

    private static List<Block> blocks(Path file, String option) throws EngineException {
        String text;
        try {
            if (Files.size(file) > MAX_FILE) {
                throw invalid(option, file, "is larger than 1 MiB: not a PEM file");
            }
            text = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new EngineException(ErrorCode.INVALID_ARGUMENT, option + " " + file + ": cannot read: " + e.getMessage());
        }
        List<Block> blocks = new ArrayList<>();
        Matcher m = BLOCK.matcher(text);
        while (m.find()) {
            try {
                blocks.add(new Block(m.group(1), Base64.getMimeDecoder().decode(m.group(2))));
            } catch (IllegalArgumentException e) {
                throw invalid(option, file, "has a PEM block that is not valid base64");
            }
        }
        return blocks;
    }

    static EngineException invalid(String option, Path file, String why) {
        return new EngineException(ErrorCode.INVALID_ARGUMENT, option + " " + file + ": " + why);
    }
}
