package qcowdesk.cli.device;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import qcowdesk.bridge.RuntimeDirectory;
import qcowdesk.bridge.control.DeviceHost;
import qcowdesk.bridge.nbd.NbdServer;
import qcowdesk.cli.ExitCodes;
import qcowdesk.cli.Foreground;
import qcowdesk.cli.Qcow2Opener;

/** {@code qcowctl daemon}: the owner of the device table without a display. */
@Command(name = "daemon", sortOptions = false, mixinStandardHelpOptions = true,
        description = {"Run the device owner headless: the device table, its NBD server and the control socket "
                + "that 'qcowctl attach/detach/list/fname/stat' talk to.",
                "Runs in the foreground until SIGINT or SIGTERM, which disconnects the clients, flushes and detaches "
                        + "every device, and exits 0. One owner runs per user: a second one refuses to start.",
                "Prints one line on standard output once it is ready."},
        footerHeading = "%nExamples:%n",
        footer = {"  qcowctl daemon &",
                "  qcowctl daemon --port 10809    # also export over TCP on 127.0.0.1:10809"})
public final class DaemonCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Option(names = "--runtime-dir", paramLabel = "DIR",
            description = "Directory of the control and NBD sockets (default: $QCOWDESK_RUNTIME_DIR, "
                    + "$XDG_RUNTIME_DIR/qcowdesk or /tmp/qcowdesk-UID; created with mode 0700).")
    private Path runtimeDir;

    @Option(names = "--nbd-socket", paramLabel = "PATH",
            description = "Unix socket of the NBD exports (default: nbd.sock in the runtime directory).")
    private Path nbdSocket;

    @Option(names = {"-p", "--port"}, paramLabel = "N",
            description = "Also export the devices over TCP on this port of 127.0.0.1.")
    private Integer port;

    @Override
    public Integer call() throws Exception {
        RuntimeDirectory runtime = (runtimeDir != null ? new RuntimeDirectory(runtimeDir)
                : RuntimeDirectory.forCurrentUser()).ensureExists();
        AtomicReference<NbdExports> exports = new AtomicReference<>();
        DeviceHost host = DeviceHost.start(new DeviceHost.Options(runtime, "qcowctl daemon", Qcow2Opener.INSTANCE,
                (devices, dir) -> {
                    exports.set(NbdExports.start(devices, exportConfig(dir)));
                    return exports.get();
                }));
        PrintWriter out = spec.commandLine().getOut();
        out.println("qcowctl daemon: pid " + ProcessHandle.current().pid() + ", control socket "
                + runtime.controlSocket() + ", " + exports.get().describeListeners());
        out.flush();
        Foreground.runUntilSignalled(host);
        return ExitCodes.OK;
    }

    private NbdServer.Config exportConfig(RuntimeDirectory runtime) throws IOException {
        NbdServer.Config config = NbdServer.Config.defaults()
                .withUnixSocket(nbdSocket != null ? nbdSocket : runtime.nbdSocket());
        return port == null ? config : config.withTcpPort(port);
    }
}
