package qcowdesk.bridge.nbd.tls;

import java.io.IOException;
import java.io.OutputStream;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.SignatureException;
import java.security.spec.AlgorithmParameterSpec;
import java.util.Locale;

import org.bouncycastle.jcajce.util.DefaultJcaJceHelper;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.crypto.TlsStreamSigner;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCrypto;

/**
 * Bouncy Castle's TLS over the JDK's providers, with RSA-PSS signatures made by the JDK's "RSASSA-PSS". Bouncy
 * Castle asks for them by its own provider's name ("SHA256WITHRSAANDMGF1"), which the JDK does not know, so a
 * server with an RSA key (TLS 1.3 signs with RSA-PSS) failed every handshake with internal_error.
 */
final class JdkTlsCrypto extends JcaTlsCrypto {

    JdkTlsCrypto(SecureRandom random) {
        super(new DefaultJcaJceHelper(), random, new SecureRandom());
    }

    @Override
    protected TlsStreamSigner createStreamSigner(String algorithmName, AlgorithmParameterSpec parameter,
                                                 PrivateKey privateKey, boolean needsRandom) throws IOException {
        if (parameter == null || !algorithmName.toUpperCase(Locale.ROOT).endsWith("WITHRSAANDMGF1")) {
            return super.createStreamSigner(algorithmName, parameter, privateKey, needsRandom);
        }
        try {
            Signature signer = Signature.getInstance("RSASSA-PSS");
            signer.setParameter(parameter);
            signer.initSign(privateKey, needsRandom ? getSecureRandom() : null);
            return new PssSigner(signer);
        } catch (GeneralSecurityException e) {
            throw new TlsFatalAlert(AlertDescription.internal_error, e);
        }
    }

    /** Feeds what is signed into the signature as it is written. */
    private record PssSigner(Signature signer) implements TlsStreamSigner {
        @Override
        public OutputStream getOutputStream() {
            return new OutputStream() {
                @Override
                public void write(int b) throws IOException {
                    write(new byte[] {(byte) b}, 0, 1);
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    try {
                        signer.update(b, off, len);
                    } catch (SignatureException e) {
                        throw new IOException(e);
                    }
                }
            };
        }

        @Override
        public byte[] getSignature() throws IOException {
            try {
                return signer.sign();
            } catch (SignatureException e) {
                throw new TlsFatalAlert(AlertDescription.internal_error, e);
            }
        }
    }
}
