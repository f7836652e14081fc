package qcowdesk.cli.args;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import qcowdesk.bridge.nbd.NbdServer;
import qcowdesk.bridge.nbd.tls.TlsCredentials;
import qcowdesk.cli.support.CommandModel;
import qcowdesk.cli.support.OptionField;
import qcowdesk.engine.EngineException;

/**
 * {@code --tls-cert/--tls-key [--tls-ca [--tls-allow-dn DN]...]} and {@code --tls-psk}: serve NBD over TLS only (NBD_OPT_STARTTLS,
 * TLS 1.3), as {@code qemu-nbd --tls-creds} and {@code nbdkit --tls-psk} do. Shared by serve and daemon: the
 * daemon's annotated command uses it as a mixin (picocli sets the fields by reflection), serve's model built in code
 * binds its options to the same fields ({@link #addTo}).
 */
public final class TlsOptions {

    private static final String CERT_HELP = "Serve TLS only, with this X.509 certificate (PEM; the chain may follow).";
    private static final String KEY_HELP = "The certificate's private key (PKCS#8 PEM).";
    private static final String CA_HELP = "Require client certificates issued by this CA (PEM).";
    private static final String ALLOW_DN_HELP = "Let in only clients whose certificate (from --tls-ca) names this "
            + "subject, e.g. 'CN=alice,O=Example' (RFC 4514); repeat for more, like qemu-nbd --tls-authz.";
    private static final String PSK_HELP = "Serve TLS only, with pre-shared keys: 'username:hexkey' lines (as "
            + "psktool writes).";

    @Option(names = "--tls-cert", paramLabel = "PEM", description = CERT_HELP)
    Path cert;

    @Option(names = "--tls-key", paramLabel = "PEM", description = KEY_HELP)
    Path key;

    @Option(names = "--tls-ca", paramLabel = "PEM", description = CA_HELP)
    Path ca;

    @Option(names = "--tls-allow-dn", paramLabel = "DN", description = ALLOW_DN_HELP)
    List<String> allowDn = new ArrayList<>();

    @Option(names = "--tls-psk", paramLabel = "FILE", description = PSK_HELP)
    Path psk;

    /** The same options added to a model built in code ({@link CommandModel}), bound to the same fields. */
    public static TlsOptions addTo(CommandSpec spec) {
        TlsOptions tls = new TlsOptions();
        CommandModel.option(spec, new OptionField<>(() -> tls.cert, pem -> tls.cert = pem), Path.class, "PEM",
                CERT_HELP, "--tls-cert");
        CommandModel.option(spec, new OptionField<>(() -> tls.key, pem -> tls.key = pem), Path.class, "PEM",
                KEY_HELP, "--tls-key");
        CommandModel.option(spec, new OptionField<>(() -> tls.ca, pem -> tls.ca = pem), Path.class, "PEM", CA_HELP,
                "--tls-ca");
        CommandModel.repeatable(spec, new OptionField<>(() -> tls.allowDn, names -> tls.allowDn = names), "DN",
                ALLOW_DN_HELP, "--tls-allow-dn");
        CommandModel.option(spec, new OptionField<>(() -> tls.psk, file -> tls.psk = file), Path.class, "FILE",
                PSK_HELP, "--tls-psk");
        return tls;
    }

    /** True when any TLS option was given. */
    public boolean enabled() {
        return cert != null || key != null || ca != null || psk != null || !allowDn.isEmpty();
    }

    /** {@code config} with TLS when asked for; the files are read now, so a bad one stops the start. */
    public NbdServer.Config applyTo(NbdServer.Config config) throws EngineException {
        return enabled() ? config.withTls(TlsCredentials.load(cert, key, ca, psk, allowDn)) : config;
    }
}
