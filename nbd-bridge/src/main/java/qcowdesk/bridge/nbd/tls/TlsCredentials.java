package qcowdesk.bridge.nbd.tls;

import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import javax.security.auth.x500.X500Principal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import qcowdesk.engine.EngineException;
import qcowdesk.engine.ErrorCode;

/**
 * What a TLS-only NBD server proves itself with, loaded once at start so that a bad file fails the start, not a
 * client: an X.509 certificate chain and its key, optionally the CAs a client certificate must chain to, and/or
 * pre-shared keys by user name.
 *
 * @param chain     the server's certificate first, then its chain; empty for PSK only
 * @param key       the private key of {@code chain.get(0)}; null for PSK only
 * @param clientCas when not empty, clients must present a certificate issued by one of these
 * @param psk       pre-shared keys by user name; empty for certificates only
 * @param allowedClients when not empty, a client certificate (from {@code clientCas}) must also name one of these
 *                  subjects, like {@code qemu-nbd --tls-authz} with an authz-simple identity
 */
public record TlsCredentials(List<X509Certificate> chain, PrivateKey key, List<X509Certificate> clientCas,
                             Map<String, byte[]> psk, List<X500Principal> allowedClients) {

    public TlsCredentials {
        chain = List.copyOf(chain);
        clientCas = List.copyOf(clientCas);
        psk = Map.copyOf(psk);
        allowedClients = List.copyOf(allowedClients);
    }

    /** Loads the files named by {@code --tls-cert}, {@code --tls-key}, {@code --tls-ca}, {@code --tls-psk}. */
    public static TlsCredentials load(Path cert, Path key, Path ca, Path pskFile) throws EngineException {
        return load(cert, key, ca, pskFile, List.of());
    }

    /**
     * Loads the files as {@link #load(Path, Path, Path, Path)} and parses the {@code --tls-allow-dn} names
     * (RFC 4514, e.g. {@code CN=alice,O=Example}; compared in canonical form, so case and spaces around the
     * separators do not matter, the order of the parts does).
     */
    public static TlsCredentials load(Path cert, Path key, Path ca, Path pskFile, List<String> allowDn)
            throws EngineException {
        if (!allowDn.isEmpty() && ca == null) {
            throw new EngineException(ErrorCode.INVALID_ARGUMENT, "--tls-allow-dn checks the names in client "
                    + "certificates: it needs --tls-ca, which makes clients present one");
        }
        List<X500Principal> allowed = new ArrayList<>();
        for (String dn : allowDn) {
            try {
                allowed.add(new X500Principal(dn));
            } catch (IllegalArgumentException e) {
                throw new EngineException(ErrorCode.INVALID_ARGUMENT, "--tls-allow-dn '" + dn + "' is not a "
                        + "distinguished name (write it as RFC 4514 does, e.g. 'CN=alice,O=Example'): "
                        + e.getMessage());
            }
        }
        if ((cert == null) != (key == null)) {
            throw new EngineException(ErrorCode.INVALID_ARGUMENT, "--tls-cert and --tls-key go together");
        }
        if (ca != null && cert == null) {
            throw new EngineException(ErrorCode.INVALID_ARGUMENT,
                    "--tls-ca verifies client certificates: it needs the server's own --tls-cert and --tls-key");
        }
        if (cert == null && pskFile == null) {
            throw new EngineException(ErrorCode.INVALID_ARGUMENT, "TLS needs --tls-cert/--tls-key or --tls-psk");
        }
        List<X509Certificate> chain = cert == null ? List.of() : PemFiles.certificates(cert, "--tls-cert");
        PrivateKey privateKey = key == null ? null : PemFiles.privateKey(key, "--tls-key");
        if (privateKey != null && !chain.get(0).getPublicKey().getAlgorithm().equals(privateKey.getAlgorithm())) {
            throw new EngineException(ErrorCode.INVALID_ARGUMENT, "--tls-key " + key + " is a "
                    + privateKey.getAlgorithm() + " key but the certificate in " + cert + " is for a "
                    + chain.get(0).getPublicKey().getAlgorithm() + " key");
        }
        List<X509Certificate> cas = ca == null ? List.of() : PemFiles.certificates(ca, "--tls-ca");
        Map<String, byte[]> keys = pskFile == null ? Map.of() : PskFile.read(pskFile);
        return new TlsCredentials(chain, privateKey, cas, keys, allowed);
    }

    boolean hasCertificate() {
        return key != null;
    }

    boolean verifiesClients() {
        return !clientCas.isEmpty();
    }

    /** Whether a verified client certificate naming {@code subject} may connect. */
    boolean allows(X500Principal subject) {
        return allowedClients.isEmpty() || allowedClients.contains(subject);
    }
}
