package qcowdesk.bridge.nbd.tls;

import java.io.IOException;
import java.io.OutputStream;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.SignatureException;
import java.security.spec.AlgorithmParameterSpec;
import java.util.Locale;

import org.bouncycastle.jcajce.util.DefaultJcaJceHelper;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.crypto.Tls13Verifier;
import org.bouncycastle.tls.crypto.TlsStreamSigner;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCrypto;

/**
 * Bouncy Castle's TLS over the JDK's providers, with RSA-PSS signatures made and checked by the JDK's
 * "RSASSA-PSS". Bouncy Castle asks for them by its own provider's name ("SHA256WITHRSAANDMGF1"), which the JDK does
 * not know, so a server with an RSA key, or a client presenting an RSA certificate (TLS 1.3 signs with RSA-PSS),
 * failed every handshake with internal_error.
 */
final class JdkTlsCrypto extends JcaTlsCrypto {

    JdkTlsCrypto(SecureRandom random) {
        super(new DefaultJcaJceHelper(), random, new SecureRandom());
    }

    @Override
    protected TlsStreamSigner createStreamSigner(String algorithmName, AlgorithmParameterSpec parameter,
                                                 PrivateKey privateKey, boolean needsRandom) throws IOException {
        if (!isRsaPss(algorithmName, parameter)) {
            return super.createStreamSigner(algorithmName, parameter, privateKey, needsRandom);
        }
        try {
            Signature signer = rsaPss(parameter);
            signer.initSign(privateKey, needsRandom ? getSecureRandom() : null);
            return new TlsStreamSigner() {
                @Override
                public OutputStream getOutputStream() {
                    return updating(signer);
                }

                @Override
                public byte[] getSignature() throws IOException {
                    try {
                        return signer.sign();
                    } catch (SignatureException e) {
                        throw new TlsFatalAlert(AlertDescription.internal_error, e);
                    }
                }
            };
        } catch (GeneralSecurityException e) {
            throw new TlsFatalAlert(AlertDescription.internal_error, e);
        }
    }

    @Override
    protected Tls13Verifier createTls13Verifier(String algorithmName, AlgorithmParameterSpec parameter,
                                                PublicKey publicKey) throws IOException {
        if (!isRsaPss(algorithmName, parameter)) {
            return super.createTls13Verifier(algorithmName, parameter, publicKey);
        }
        try {
            Signature verifier = rsaPss(parameter);
            verifier.initVerify(publicKey);
            return new Tls13Verifier() {
                @Override
                public OutputStream getOutputStream() {
                    return updating(verifier);
                }

                @Override
                public boolean verifySignature(byte[] signature) {
                    try {
                        return verifier.verify(signature);
                    } catch (SignatureException e) {
                        return false;
                    }
                }
            };
        } catch (GeneralSecurityException e) {
            throw new TlsFatalAlert(AlertDescription.internal_error, e);
        }
    }

    private static boolean isRsaPss(String algorithmName, AlgorithmParameterSpec parameter) {
        return parameter != null && algorithmName.toUpperCase(Locale.ROOT).endsWith("WITHRSAANDMGF1");
    }

    private static Signature rsaPss(AlgorithmParameterSpec parameter) throws GeneralSecurityException {
        Signature signature = Signature.getInstance("RSASSA-PSS");
        signature.setParameter(parameter);
        return signature;
    }

    /** What is written goes into the signature being made or checked. */
    private static OutputStream updating(Signature signature) {
        return new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                try {
                    signature.update(b, off, len);
                } catch (SignatureException e) {
                    throw new IOException(e);
                }
            }
        };
    }
}
