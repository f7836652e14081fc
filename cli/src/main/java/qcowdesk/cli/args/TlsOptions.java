package qcowdesk.cli.args;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import qcowdesk.bridge.nbd.NbdServer;
import qcowdesk.bridge.nbd.tls.TlsCredentials;
import qcowdesk.cli.support.CommandModel;
import qcowdesk.engine.EngineException;

/**
 * {@code --tls-cert/--tls-key [--tls-ca [--tls-allow-dn DN]...]} and {@code --tls-psk}: serve NBD over TLS only (NBD_OPT_STARTTLS,
 * TLS 1.3), as {@code qemu-nbd --tls-creds} and {@code nbdkit --tls-psk} do. Shared by serve and daemon.
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

    /** The options of a model built in code ({@link #addTo}), read once after parsing; empty in the mixin. */
    private final List<OptionSpec> built = new ArrayList<>();

    /** The same options added to a model built in code ({@link CommandModel}); read after parsing. */
    public static TlsOptions addTo(CommandSpec spec) {
        TlsOptions tls = new TlsOptions();
        tls.built.add(CommandModel.option(spec, Path.class, "PEM", CERT_HELP, "--tls-cert"));
        tls.built.add(CommandModel.option(spec, Path.class, "PEM", KEY_HELP, "--tls-key"));
        tls.built.add(CommandModel.option(spec, Path.class, "PEM", CA_HELP, "--tls-ca"));
        tls.built.add(CommandModel.repeatable(spec, "DN", ALLOW_DN_HELP, "--tls-allow-dn"));
        tls.built.add(CommandModel.option(spec, Path.class, "FILE", PSK_HELP, "--tls-psk"));
        return tls;
    }

    /** True when any TLS option was given. */
    public boolean enabled() {
        read();
        return cert != null || key != null || ca != null || psk != null || !allowDn.isEmpty();
    }

    /** {@code config} with TLS when asked for; the files are read now, so a bad one stops the start. */
    public NbdServer.Config applyTo(NbdServer.Config config) throws EngineException {
        return enabled() ? config.withTls(TlsCredentials.load(cert, key, ca, psk, allowDn)) : config;
    }

    /** A model built in code: its parsed values into the fields the mixin's picocli would have set. */
    private void read() {
        if (built.isEmpty()) {
            return;
        }
        cert = built.get(0).getValue();
        key = built.get(1).getValue();
        ca = built.get(2).getValue();
        List<String> dns = built.get(3).getValue();
        allowDn = dns == null ? new ArrayList<>() : dns;
        psk = built.get(4).getValue();
    }
}
