package qcowdesk.bridge.nbd.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECKey;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.Vector;

import javax.security.auth.x500.X500Principal;

import org.bouncycastle.tls.AbstractTlsServer;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.BasicTlsPSKExternal;
import org.bouncycastle.tls.Certificate;
import org.bouncycastle.tls.CertificateEntry;
import org.bouncycastle.tls.CertificateRequest;
import org.bouncycastle.tls.CipherSuite;
import org.bouncycastle.tls.PRFAlgorithm;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.PskIdentity;
import org.bouncycastle.tls.SignatureScheme;
import org.bouncycastle.tls.TlsCredentials;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.TlsPSKExternal;
import org.bouncycastle.tls.TlsUtils;
import org.bouncycastle.tls.crypto.TlsCryptoParameters;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaDefaultTlsCredentialedSigner;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCrypto;

/**
 * The TLS side of an NBD server after NBD_OPT_STARTTLS: TLS 1.3 only, authenticated by an X.509 certificate
 * (optionally requiring a client certificate from a given CA) or by a pre-shared key looked up by the client's
 * user name (TLS 1.3 external PSK with ephemeral key exchange, as GnuTLS clients such as libnbd and QEMU do it).
 */
final class NbdTlsServer extends AbstractTlsServer {

    /** SHA-256 suites only: a TLS 1.3 external PSK is bound to its hash, and GnuTLS's are SHA-256. */
    private static final int[] CIPHER_SUITES = {CipherSuite.TLS_AES_128_GCM_SHA256,
            CipherSuite.TLS_CHACHA20_POLY1305_SHA256};

    private final qcowdesk.bridge.nbd.tls.TlsCredentials credentials;
    private final JcaTlsCrypto crypto;
    private boolean pskSelected;

    NbdTlsServer(JcaTlsCrypto crypto, qcowdesk.bridge.nbd.tls.TlsCredentials credentials) {
        super(crypto);
        this.crypto = crypto;
        this.credentials = credentials;
    }

    @Override
    protected ProtocolVersion[] getSupportedVersions() {
        return ProtocolVersion.TLSv13.only();
    }

    @Override
    protected int[] getSupportedCipherSuites() {
        return TlsUtils.getSupportedCipherSuites(crypto, CIPHER_SUITES);
    }

    @Override
    public TlsPSKExternal getExternalPSK(Vector identities) {
        for (Object o : identities) {
            byte[] identity = ((PskIdentity) o).getIdentity();
            byte[] key = credentials.psk().get(new String(identity, java.nio.charset.StandardCharsets.UTF_8));
            if (key != null) {
                pskSelected = true;
                return new BasicTlsPSKExternal(identity, crypto.createSecret(key), PRFAlgorithm.tls13_hkdf_sha256);
            }
        }
        return null;
    }

    @Override
    public TlsCredentials getCredentials() throws IOException {
        if (!credentials.hasCertificate()) {
            // PSK only, and the client offered no user name we know.
            throw new TlsFatalAlert(AlertDescription.unknown_psk_identity, "no pre-shared key for this client");
        }
        List<X509Certificate> chain = credentials.chain();
        CertificateEntry[] entries = new CertificateEntry[chain.size()];
        for (int i = 0; i < entries.length; i++) {
            try {
                entries[i] = new CertificateEntry(crypto.createCertificate(chain.get(i).getEncoded()), null);
            } catch (GeneralSecurityException e) {
                throw new TlsFatalAlert(AlertDescription.internal_error, e);
            }
        }
        Certificate certificate = new Certificate(TlsUtils.EMPTY_BYTES, entries);
        return new JcaDefaultTlsCredentialedSigner(new TlsCryptoParameters(context), crypto, credentials.key(),
                certificate, SignatureScheme.getSignatureAndHashAlgorithm(signatureScheme()));
    }

    private int signatureScheme() {
        if (credentials.key() instanceof ECKey ec) {
            int bits = ec.getParams().getCurve().getField().getFieldSize();
            return bits <= 256 ? SignatureScheme.ecdsa_secp256r1_sha256
                    : bits <= 384 ? SignatureScheme.ecdsa_secp384r1_sha384 : SignatureScheme.ecdsa_secp521r1_sha512;
        }
        return switch (credentials.key().getAlgorithm()) {
            case "Ed25519" -> SignatureScheme.ed25519;
            case "Ed448" -> SignatureScheme.ed448;
            default -> SignatureScheme.rsa_pss_rsae_sha256;
        };
    }

    @Override
    public CertificateRequest getCertificateRequest() throws IOException {
        if (!credentials.verifiesClients() || pskSelected) {
            return null;
        }
        return new CertificateRequest(TlsUtils.EMPTY_BYTES,
                TlsUtils.getDefaultSupportedSignatureAlgorithms(context), null, null);
    }

    @Override
    public void notifyClientCertificate(Certificate clientCertificate) throws IOException {
        if (!credentials.verifiesClients() || pskSelected) {
            return;
        }
        if (clientCertificate == null || clientCertificate.isEmpty()) {
            throw new TlsFatalAlert(AlertDescription.certificate_required, "this server requires a client certificate");
        }
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            List<X509Certificate> path = new ArrayList<>();
            for (int i = 0; i < clientCertificate.getLength(); i++) {
                path.add((X509Certificate) factory.generateCertificate(
                        new ByteArrayInputStream(clientCertificate.getCertificateAt(i).getEncoded())));
            }
            Set<TrustAnchor> anchors = new HashSet<>();
            credentials.clientCas().forEach(ca -> anchors.add(new TrustAnchor(ca, null)));
            PKIXParameters parameters = new PKIXParameters(anchors);
            parameters.setRevocationEnabled(false);
            CertPathValidator.getInstance("PKIX").validate(factory.generateCertPath(path), parameters);
            X500Principal subject = path.get(0).getSubjectX500Principal();
            if (!credentials.allows(subject)) {
                throw new TlsFatalAlert(AlertDescription.access_denied, "client certificate '"
                        + subject.getName(X500Principal.RFC2253) + "' is valid but its name is not allowed "
                        + "(--tls-allow-dn)");
            }
        } catch (GeneralSecurityException e) {
            throw new TlsFatalAlert(AlertDescription.bad_certificate, "client certificate refused: " + e.getMessage());
        }
    }
}
