package qcowdesk.cli.args;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import picocli.CommandLine.Option;
import qcowdesk.bridge.nbd.NbdServer;
import qcowdesk.bridge.nbd.tls.TlsCredentials;
import qcowdesk.engine.EngineException;

/**
 * {@code --tls-cert/--tls-key [--tls-ca [--tls-allow-dn DN]...]} and {@code --tls-psk}: serve NBD over TLS only (NBD_OPT_STARTTLS,
 * TLS 1.3), as {@code qemu-nbd --tls-creds} and {@code nbdkit --tls-psk} do. Shared by serve and daemon.
 */
public final class TlsOptions {

    @Option(names = "--tls-cert", paramLabel = "PEM",
            description = "Serve TLS only, with this X.509 certificate (PEM; the chain may follow).")
    Path cert;

    @Option(names = "--tls-key", paramLabel = "PEM", description = "The certificate's private key (PKCS#8 PEM).")
    Path key;

    @Option(names = "--tls-ca", paramLabel = "PEM",
            description = "Require client certificates issued by this CA (PEM).")
    Path ca;

    @Option(names = "--tls-allow-dn", paramLabel = "DN",
            description = "Let in only clients whose certificate (from --tls-ca) names this subject, e.g. "
                    + "'CN=alice,O=Example' (RFC 4514); repeat for more, like qemu-nbd --tls-authz.")
    List<String> allowDn = new ArrayList<>();

    @Option(names = "--tls-psk", paramLabel = "FILE",
            description = "Serve TLS only, with pre-shared keys: 'username:hexkey' lines (as psktool writes).")
    Path psk;

    /** True when any TLS option was given. */
    public boolean enabled() {
        return cert != null || key != null || ca != null || psk != null || !allowDn.isEmpty();
    }

    /** {@code config} with TLS when asked for; the files are read now, so a bad one stops the start. */
    public NbdServer.Config applyTo(NbdServer.Config config) throws EngineException {
        return enabled() ? config.withTls(TlsCredentials.load(cert, key, ca, psk, allowDn)) : config;
    }
}
