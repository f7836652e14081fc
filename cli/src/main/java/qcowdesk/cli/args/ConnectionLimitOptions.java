package qcowdesk.cli.args;

import java.time.Duration;

import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import qcowdesk.bridge.nbd.NbdServer;
import qcowdesk.cli.support.CommandModel;
import qcowdesk.cli.support.OptionField;

/**
 * {@code --idle-timeout} and {@code --max-per-peer}: how many NBD connection slots one peer may hold and how long
 * an idle client keeps its slot, so that idle or greedy clients cannot lock everyone else out. Annotated commands
 * use it as a mixin (picocli sets the fields by reflection); {@link #addTo} binds the options of a model built in
 * code to the same fields.
 */
public final class ConnectionLimitOptions {

    private static final String IDLE = "--idle-timeout";
    private static final String IDLE_LABEL = "SECONDS";
    private static final String IDLE_HELP = "Disconnect an NBD client that has sent "
            + "no request for this long (default 0: never; an idle kernel client is normal), so idle clients cannot "
            + "hold every connection slot.";
    private static final String PER_PEER = "--max-per-peer";
    private static final String PER_PEER_LABEL = "N";
    private static final String PER_PEER_HELP = "NBD connections one peer (a user on the "
            + "Unix socket, an address over TCP) may hold at once (default 256 of the 512 slots).";

    private static final int DEFAULT_PER_PEER = 256;

    @Option(names = IDLE, paramLabel = IDLE_LABEL, description = IDLE_HELP)
    private long idleTimeout;

    @Option(names = PER_PEER, paramLabel = PER_PEER_LABEL, description = PER_PEER_HELP)
    private int maxPerPeer = DEFAULT_PER_PEER;

    /** The same options added to a model built in code ({@link CommandModel}); read after parsing. */
    public static ConnectionLimitOptions addTo(CommandSpec spec) {
        ConnectionLimitOptions limits = new ConnectionLimitOptions();
        CommandModel.option(spec, new OptionField<>(() -> limits.idleTimeout, seconds -> limits.idleTimeout = seconds),
                long.class, IDLE_LABEL, IDLE_HELP, IDLE);
        CommandModel.option(spec, new OptionField<>(() -> limits.maxPerPeer, count -> limits.maxPerPeer = count),
                int.class, PER_PEER_LABEL, PER_PEER_HELP, PER_PEER);
        return limits;
    }

    public NbdServer.Config applyTo(NbdServer.Config config, CommandLine commandLine) {
        if (idleTimeout < 0 || maxPerPeer < 1) {
            throw new ParameterException(commandLine, "--idle-timeout must be 0 or more, --max-per-peer 1 or more");
        }
        return config.withIdleTimeout(Duration.ofSeconds(idleTimeout)).withMaxPerPeer(maxPerPeer);
    }
}
