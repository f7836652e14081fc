package qcowdesk.bridge.nbd.tls;

import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
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
 */
public record TlsCredentials(List<X509Certificate> chain, PrivateKey key, List<X509Certificate> clientCas,
                             Map<String, byte[]> psk) {

    public TlsCredentials {
        chain = List.copyOf(chain);
        clientCas = List.copyOf(clientCas);
        psk = Map.copyOf(psk);
    }

    /** Loads the files named by {@code --tls-cert}, {@code --tls-key}, {@code --tls-ca}, {@code --tls-psk}. */
    public static TlsCredentials load(Path cert, Path key, Path ca, Path pskFile) throws EngineException {
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
        return new TlsCredentials(chain, privateKey, cas, keys);
    }

    boolean hasCertificate() {
        return key != null;
    }

    boolean verifiesClients() {
        return !clientCas.isEmpty();
    }
}
