package qcowdesk.cli.serve;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.ParameterException;
import qcowdesk.cli.support.CommandModel;
import qcowdesk.bridge.RuntimeDirectory;
import qcowdesk.bridge.nbd.BoundSockets;
import qcowdesk.bridge.nbd.NbdServer;
import qcowdesk.cli.support.ExitCodes;
import qcowdesk.cli.support.Foreground;
import qcowdesk.cli.args.ConnectionLimitOptions;
import qcowdesk.cli.args.ExternalFilesOption;
import qcowdesk.cli.args.SectorSizeOptions;
import qcowdesk.cli.args.TlsOptions;
import qcowdesk.engine.device.AttachRequest;
import qcowdesk.engine.device.DeviceInfo;
import qcowdesk.engine.device.DeviceTable;
import qcowdesk.engine.qcow2.OpenOptions;
import qcowdesk.engine.qcow2.Qcow2Image;
import qcowdesk.engine.device.DiskOpener;
import qcowdesk.engine.device.TemporaryWrites;
import qcowdesk.engine.device.UnitNames;
import qcowdesk.engine.qcow2.ops.TemporaryOverlay;

/**
 * {@code qcowctl serve}: images exported over NBD by this process, in the foreground, like qemu-nbd. Its picocli
 * model is built in code ({@link CommandModel}), so that serving starts without annotation reflection.
 */
public final class ServeCommand implements Callable<Integer> {

    private final CommandSpec spec;
    private final OptionSpec socketOption;
    private final OptionSpec portOption;
    private final OptionSpec bindOption;
    private final OptionSpec readOnlyOption;
    private final SectorSizeOptions sectorSize;
    private final OptionSpec nameOption;
    private final ExternalFilesOption externalFiles;
    private final ConnectionLimitOptions limits;
    private final OptionSpec temporaryOption;
    private final OptionSpec snapshotOption;
    private final OptionSpec onExitOption;
    private final TlsOptions tls;
    private final PositionalParamSpec imagesParameter;

    // what was parsed, read from the options when the command runs
    private Path socket;
    private Integer port;
    private String bind;
    private boolean readOnly;
    private String name;
    private boolean temporary;
    private String snapshot;
    private String onExit;
    private List<String> images;

    private ServeCommand(boolean grouped) {
        spec = CommandModel.of(this, "serve");
        spec.usageMessage()
                .sortOptions(false)
                .description(
                        "Export each IMAGE over NBD as qcow0, qcow1, ... (or as NAME when one image is served) until "
                                + "interrupted. SIGINT or SIGTERM flushes the images, disconnects the clients and exits 0.",
                        "Once the exports are ready, prints one NBD URI per image, in order, on standard output.",
                        "Listens on a Unix socket (by default a new one in the user's runtime directory), or on TCP "
                                + "with --port (loopback unless --bind names another address).")
                .footerHeading("%nExamples:%n")
                .footer("  qcowctl serve disk.qcow2",
                        "  qcowctl serve --socket /tmp/nbd.sock --read-only a.qcow2 b.qcow2",
                        "  qcowctl serve --port 10809 --name vm disk.qcow2     # nbd://127.0.0.1:10809/vm",
                        "  qcowctl serve --sector-size 4096 disk.qcow2",
                        "  qcowctl serve --port 10809 --tls-cert server-cert.pem --tls-key server-key.pem disk.qcow2",
                        "  qcowctl serve --port 10809 --tls-psk keys.psk disk.qcow2",
                        "",
                        "Clients:",
                        "  nbdinfo 'nbd+unix:///qcow0?socket=/tmp/nbd.sock'",
                        "  nbd-client -unix /tmp/nbd.sock -N qcow0 /dev/nbd0      (Linux kernel)",
                        "  nbd-client 127.0.0.1 10809 -N vm /dev/nbd0             (over TCP)",
                        "  nbdinfo 'nbds://127.0.0.1:10809/qcow0?tls-certificates=DIR'   (DIR holds ca-cert.pem)",
                        "  nbdinfo 'nbds://alice@127.0.0.1:10809/qcow0?tls-psk-file=keys.psk'",
                        "  qemu-system-x86_64 \\",
                        "      -drive file=nbd+unix:///qcow0?socket=/tmp/nbd.sock,format=raw");
        // Where to listen: one Unix socket, or TCP (a port, and optionally the address to bind). Plain options,
        // one or the other checked by ListenOptions when the command runs: as a picocli argument group they cost
        // start-up (picocli matched every such option through its group machinery and rendered the group's
        // synopsis for a trace message); the help still shows them as the group they are (ListenOptions).
        socketOption = OptionSpec.builder("--socket").type(Path.class).required(grouped).paramLabel("PATH")
                .description("Listen on this Unix socket.").build();
        portOption = OptionSpec.builder("-p", "--port").type(int.class).required(grouped).paramLabel("N")
                .description("Listen on this TCP port instead of a Unix socket (0: any free port).").build();
        bindOption = OptionSpec.builder("-b", "--bind").type(String.class).paramLabel("ADDR")
                .description("Address to listen on with --port (default 127.0.0.1: this machine only).").build();
        ListenOptions.addTo(spec, grouped, socketOption, portOption, bindOption, ServeCommand::helpModel);
        readOnlyOption = CommandModel.flag(spec, "Export read-only: clients cannot write; the files are "
                + "opened read-only.", "-r", "--read-only");
        sectorSize = SectorSizeOptions.addTo(spec);
        nameOption = CommandModel.option(spec, String.class, "NAME",
                "Export name when serving one image (default: qcow0).", "-x", "--name");
        externalFiles = ExternalFilesOption.addTo(spec);
        limits = ConnectionLimitOptions.addTo(spec);
        temporaryOption = CommandModel.flag(spec, "Temporary writes (like qemu-nbd -s): clients write into a "
                + "temporary overlay (a qcow2 in a private temporary directory, backed by the image); the image is only "
                + "read.", "-t", "--temporary");
        snapshotOption = CommandModel.option(spec, String.class, "NAME", "Export internal snapshot NAME (or id) "
                + "of the image read-only, as it was when it was taken (like qemu-nbd -l).", "-l", "--snapshot");
        onExitOption = CommandModel.option(spec, String.class, "ACTION", "With --temporary, what happens to the "
                + "writes when serving ends: discard (default), keep=FILE (a new image backed by IMAGE), or commit "
                + "(into IMAGE).", "--on-exit");
        tls = TlsOptions.addTo(spec);
        imagesParameter = PositionalParamSpec.builder().type(List.class).auxiliaryTypes(String.class).arity("1..*")
                .required(true).paramLabel("IMAGE").description("QCOW2 image files to export.").build();
        spec.addPositional(imagesParameter);
        CommandModel.addStandardHelp(spec);
    }

    /** The command's picocli model; parsing it fills a new command. */
    public static CommandSpec model() {
        return new ServeCommand(false).spec;
    }

    /** The model with the listen options as the group they are, whose synopsis the help shows (ListenOptions). */
    private static CommandSpec helpModel() {
        return new ServeCommand(true).spec;
    }

    private void readOptions() {
        socket = socketOption.getValue();
        port = portOption.getValue();
        bind = bindOption.getValue();
        readOnly = CommandModel.isSet(readOnlyOption);
        name = nameOption.getValue();
        temporary = CommandModel.isSet(temporaryOption);
        snapshot = snapshotOption.getValue();
        onExit = CommandModel.valueOr(onExitOption, "discard");
        images = imagesParameter.getValue();
    }

    @Override
    public Integer call() throws Exception {
        readOptions();
        ListenOptions.check(spec.commandLine(), socket, port, bind);
        if (name != null && images.size() > 1) {
            throw new ParameterException(spec.commandLine(), "--name applies when one image is served, not "
                    + images.size());
        }
        int secBits = sectorSize.secBits(spec.commandLine());
        TemporaryWrites end = temporaryWrites();
        if (temporary && (images.size() != 1 || readOnly)) {
            throw new ParameterException(spec.commandLine(), "--temporary serves one image, read-write");
        }
        NbdServer.Config config = limits.applyTo(tls.applyTo(listenConfig()), spec.commandLine());
        if (snapshot != null && (temporary || images.size() != 1)) {
            throw new ParameterException(spec.commandLine(), "--snapshot serves one image, without --temporary");
        }
        if (snapshot != null) {
            readOnly = true;
        }
        if (end.kind() == TemporaryWrites.Kind.KEEP) {
            TemporaryOverlay.checkKeep(end.keepAs());
        }
        DiskOpener opener = snapshot == null ? DiskOpener.qcow2()
                : (path, ro) -> Qcow2Image.openSnapshot(path, snapshot, OpenOptions.readOnly());
        // the overlay of --temporary lives in a private directory of this process, removed when serving ends
        Path overlays = temporary ? Files.createTempDirectory("qcowdesk-serve-") : null;
        DeviceTable devices = new DeviceTable(opener, DeviceTable.DEFAULT_FORCE_TIMEOUT, overlays);
        NbdServer server;
        List<DeviceInfo> exports = new ArrayList<>();
        // Bound before the images open: a client that connects meanwhile (one started beside this command) waits
        // for the greeting instead of finding no socket and trying again.
        BoundSockets sockets = null;
        try {
            sockets = BoundSockets.bind(config);
            for (int i = 0; i < images.size(); i++) {
                String unit = name != null ? name : UnitNames.numbered(i);
                AttachRequest request = new AttachRequest(images.get(i), readOnly, secBits, unit)
                        .withExternalFilesAllowed(externalFiles.allowed());
                exports.add(devices.attach(temporary ? request.asTemporary() : request));
            }
            server = NbdServer.start(devices, sockets);
        } catch (IOException | RuntimeException e) {
            if (sockets != null) {
                sockets.close();
            }
            devices.close();
            deleteDirectory(overlays);
            throw e;
        }
        Foreground foreground = Foreground.takeSignals(() -> {
            try (devices) {
                server.close();
                if (temporary) {
                    spec.commandLine().getErr().println("qcowctl serve: "
                            + devices.detach(exports.get(0).unit(), true, end));
                }
            } finally {
                deleteDirectory(overlays);
            }
        });
        warnIfExposed(config, server.uriFor(exports.get(0).unit()));
        PrintWriter out = spec.commandLine().getOut();
        for (DeviceInfo export : exports) {
            out.println(server.uriFor(export.unit()));
        }
        out.flush();
        foreground.runUntilSignalled();
        return ExitCodes.OK;
    }

    private TemporaryWrites temporaryWrites() {
        if (onExit.equals("discard")) {
            return TemporaryWrites.discard();
        }
        if (onExit.equals("commit")) {
            return TemporaryWrites.commit();
        }
        if (onExit.startsWith("keep=") && onExit.length() > 5) {
            return TemporaryWrites.keep(Path.of(onExit.substring(5)).toAbsolutePath());
        }
        throw new ParameterException(spec.commandLine(), "--on-exit takes discard, keep=FILE or commit, not '"
                + onExit + "'");
    }

    /** Removes serve's private overlay directory; an overlay left in it (a failed keep) is named by the error. */
    private static void deleteDirectory(Path dir) throws IOException {
        if (dir != null) {
            try {
                Files.deleteIfExists(dir);
            } catch (java.nio.file.DirectoryNotEmptyException e) {
                // the writes that could not be kept or committed stay there; the error said where
            }
        }
    }

    private NbdServer.Config listenConfig() throws IOException {
        NbdServer.Config defaults = NbdServer.Config.defaults();
        if (port != null) {
            return defaults.withTcp(new InetSocketAddress(bindAddress(), port)).withoutUnixSocket();
        }
        if (socket != null) {
            return defaults.withUnixSocket(socket);
        }
        // A socket of its own, so that serving never collides with the device owner's nbd.sock
        RuntimeDirectory runtime = RuntimeDirectory.forCurrentUser().ensureExists();
        return defaults.withUnixSocket(runtime.path().resolve("serve-" + ProcessHandle.current().pid() + ".sock"));
    }

    /** Plain NBD beyond loopback lets anyone who can reach the port read and write the images: say so. */
    private void warnIfExposed(NbdServer.Config config, String uri) {
        InetSocketAddress tcp = config.tcp();
        if (tcp != null && !tcp.getAddress().isLoopbackAddress() && !tls.enabled()) {
            PrintWriter err = spec.commandLine().getErr();
            err.println("qcowctl serve: warning: " + uri + " is served beyond this machine without TLS: anyone who "
                    + "can reach the port can read and write the images (use --tls-cert/--tls-key or --tls-psk)");
            err.flush();
        }
    }

    private InetAddress bindAddress() {
        if (port < 0 || port > 65535) {
            throw new ParameterException(spec.commandLine(), "--port must be 0 to 65535, got " + port);
        }
        if (bind == null) {
            return InetAddress.getLoopbackAddress();
        }
        try {
            return InetAddress.getByName(bind);
        } catch (UnknownHostException e) {
            throw new ParameterException(spec.commandLine(), "--bind: unknown address '" + bind + "'");
        }
    }
}
