package qcowdesk.cli.device;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import qcowdesk.bridge.RuntimeDirectory;
import qcowdesk.bridge.host.DeviceHost;
import qcowdesk.bridge.nbd.NbdServer;
import qcowdesk.cli.support.ExitCodes;
import qcowdesk.cli.support.Foreground;
import qcowdesk.cli.args.ConnectionLimitOptions;
import qcowdesk.cli.args.TlsOptions;

/** {@code qcowctl daemon}: the owner of the device table without a display. */
@Command(name = "daemon", sortOptions = false, mixinStandardHelpOptions = true,
        description = {"Run the device owner headless: the device table, its NBD server and the control socket "
                + "that 'qcowctl attach/detach/list/fname/stat' talk to.",
                "Runs in the foreground until SIGINT or SIGTERM, which disconnects the clients, flushes and detaches "
                        + "every device, and exits 0. One owner runs per user: a second one refuses to start.",
                "Prints one line on standard output once it is ready."},
        footerHeading = "%nExamples:%n",
        footer = {"  qcowctl daemon &",
                "  qcowctl daemon --port 10809    # also export over TCP on 127.0.0.1:10809",
                "  qcowctl daemon --socket ~/.qcow/ctl.sock &",
                "  qcowctl daemon --port 10809 --tls-psk keys.psk &    # NBD over TLS only, Unix socket too",
                "  qcowctl list --socket ~/.qcow/ctl.sock"})
public final class DaemonCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Option(names = "--runtime-dir", paramLabel = "DIR",
            description = "Directory of the control and NBD sockets (default: $QCOWDESK_RUNTIME_DIR, "
                    + "$XDG_RUNTIME_DIR/qcowdesk or /tmp/qcowdesk-UID; created with mode 0700).")
    private Path runtimeDir;

    @Option(names = "--socket", paramLabel = "PATH",
            description = "Control socket to listen on (default: control.sock in the runtime directory); its "
                    + "directory becomes the runtime directory, created 0700 if missing and required to be private. "
                    + "Device commands reach it with the same --socket PATH.")
    private Path controlSocket;

    @Option(names = "--nbd-socket", paramLabel = "PATH",
            description = "Unix socket of the NBD exports (default: nbd.sock in the runtime directory).")
    private Path nbdSocket;

    @Option(names = {"-p", "--port"}, paramLabel = "N",
            description = "Also export the devices over TCP on this port of 127.0.0.1.")
    private Integer port;

    @Mixin
    private TlsOptions tls = new TlsOptions();

    @Mixin
    private ConnectionLimitOptions limits;

    @Override
    public Integer call() throws Exception {
        if (port != null && (port < 1 || port > 65535)) {
            throw new ParameterException(spec.commandLine(), "--port must be 1 to 65535, got " + port);
        }
        if (controlSocket != null && runtimeDir != null) {
            throw new ParameterException(spec.commandLine(), "--socket and --runtime-dir exclude each other: "
                    + "the runtime directory is the control socket's directory");
        }
        RuntimeDirectory runtime = (controlSocket != null ? RuntimeDirectory.ofControlSocket(controlSocket)
                : runtimeDir != null ? new RuntimeDirectory(runtimeDir)
                : RuntimeDirectory.forCurrentUser()).ensureExists();
        Path socket = nbdSocket != null ? nbdSocket : runtime.nbdSocket();
        NbdServer.Config unix = limits.applyTo(tls.applyTo(NbdServer.Config.defaults().withUnixSocket(socket)),
                spec.commandLine());
        NbdServer.Config exports = port == null ? unix : unix.withTcpPort(port);
        DeviceHost host = DeviceHost.start(DeviceHost.Options.defaults("qcowctl daemon").withRuntime(runtime)
                .withExports((devices, dir) -> NbdServer.start(devices, exports)));
        Foreground foreground = Foreground.takeSignals(host);
        PrintWriter out = spec.commandLine().getOut();
        out.println("qcowctl daemon: pid " + ProcessHandle.current().pid() + ", control socket "
                + runtime.controlSocket() + ", NBD socket " + socket
                + (port == null ? "" : ", NBD TCP 127.0.0.1:" + port) + (tls.enabled() ? " (TLS only)" : ""));
        out.flush();
        foreground.runUntilSignalled();
        return ExitCodes.OK;
    }
}
