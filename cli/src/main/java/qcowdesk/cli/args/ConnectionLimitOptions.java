package qcowdesk.cli.args;

import java.time.Duration;

import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import qcowdesk.bridge.nbd.NbdServer;

/**
 * {@code --idle-timeout} and {@code --max-per-peer}: how many NBD connection slots one peer may hold and how long
 * an idle client keeps its slot, so that idle or greedy clients cannot lock everyone else out.
 */
public final class ConnectionLimitOptions {

    @Option(names = "--idle-timeout", paramLabel = "SECONDS", description = "Disconnect an NBD client that has sent "
            + "no request for this long (default 0: never; an idle kernel client is normal), so idle clients cannot "
            + "hold every connection slot.")
    private long idleTimeout;

    @Option(names = "--max-per-peer", paramLabel = "N", description = "NBD connections one peer (a user on the "
            + "Unix socket, an address over TCP) may hold at once (default 256 of the 512 slots).")
    private int maxPerPeer = 256;

    public NbdServer.Config applyTo(NbdServer.Config config, CommandLine commandLine) {
        if (idleTimeout < 0 || maxPerPeer < 1) {
            throw new ParameterException(commandLine, "--idle-timeout must be 0 or more, --max-per-peer 1 or more");
        }
        return config.withIdleTimeout(Duration.ofSeconds(idleTimeout)).withMaxPerPeer(maxPerPeer);
    }
}
