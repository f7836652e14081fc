package qcowdesk.bridge.host;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;

import qcowdesk.bridge.RuntimeDirectory;
import qcowdesk.bridge.control.ControlClient;
import qcowdesk.bridge.control.ControlServer;
import qcowdesk.bridge.control.MountService;
import qcowdesk.bridge.mount.MountTable;
import qcowdesk.bridge.mount.RouteChooser;
import qcowdesk.bridge.nbd.NbdServer;
import qcowdesk.bridge.owner.ExportServer;
import qcowdesk.bridge.owner.OwnerInfo;
import qcowdesk.bridge.owner.OwnerLock;
import qcowdesk.engine.EngineException;
import qcowdesk.engine.device.DeviceTable;
import qcowdesk.engine.device.DiskOpener;
import qcowdesk.engine.qcow2.ops.TemporaryOverlay;

/**
 * One process's ownership of the device table: the table, the NBD export server over it, and the control
 * socket through which other front ends use it. This package composes the others ({@code owner}, {@code nbd},
 * {@code control}); nothing in them depends on it. Started by {@code qcowctl daemon} and by the app; there is at
 * most one per user (see {@link OwnerLock}).
 */
public final class DeviceHost implements AutoCloseable {

    /**
     * @param runtime     where the sockets live
     * @param description what this owner is, shown to a second owner that is refused ("qcowctl daemon")
     * @param opener      how images are opened
     * @param exports     the NBD server over the devices
     */
    public record Options(RuntimeDirectory runtime, String description, DiskOpener opener, ExportServer.Factory exports) {
        public Options {
            Objects.requireNonNull(runtime, "runtime");
            Objects.requireNonNull(description, "description");
            Objects.requireNonNull(opener, "opener");
            Objects.requireNonNull(exports, "exports");
        }

        /** This user's runtime directory, QCOW2 images, the NBD server on {@code nbd.sock}. */
        public static Options defaults(String description) {
            return new Options(RuntimeDirectory.forCurrentUser(), description, DiskOpener.qcow2(),
                    NbdServer.factory(NbdServer.Config.defaults()));
        }

        public Options withRuntime(RuntimeDirectory other) {
            return new Options(other, description, opener, exports);
        }

        /** E.g. {@code NbdServer.factory(NbdServer.Config.defaults().withTcpPort(10809))} to serve TCP as well. */
        public Options withExports(ExportServer.Factory other) {
            return new Options(runtime, description, opener, other);
        }
    }

    private final OwnerLock lock;
    private final DeviceTable devices;
    private final ExportServer exports;
    private final ControlServer control;
    private final OwnerInfo owner;
    private final MountService mounts;
    private final SocketKeeper keeper;

    private DeviceHost(OwnerLock lock, DeviceTable devices, ExportServer exports, ControlServer control, OwnerInfo owner,
                       MountService mounts, SocketKeeper keeper) {
        this.lock = lock;
        this.devices = devices;
        this.exports = exports;
        this.control = control;
        this.owner = owner;
        this.mounts = mounts;
        this.keeper = keeper;
    }

    /**
     * Becomes the owner and starts serving.
     *
     * @throws EngineException IN_USE, naming the running owner, when there already is one
     */
    public static DeviceHost start(Options options) throws IOException {
        RuntimeDirectory runtime = options.runtime();
        OwnerLock lock = OwnerLock.acquire(runtime, options.description(), DeviceHost::greet);
        // one owner per runtime directory (the lock above): every overlay already there was left by a killed one
        TemporaryOverlay.deleteAbandoned(runtime.temporaryOverlays());
        DeviceTable devices = new DeviceTable(options.opener(), DeviceTable.DEFAULT_FORCE_TIMEOUT,
                runtime.temporaryOverlays());
        ExportServer exports = null;
        try {
            exports = options.exports().start(devices, runtime);
            OwnerInfo owner = new OwnerInfo(ProcessHandle.current().pid(), options.description(),
                    runtime.controlSocket().toString(), runtime.nbdSocket().toString());
            MountService mounts = new MountService(devices, exports,
                    new MountTable(new RouteChooser(runtime.path().resolve("mounts"))));
            ControlServer control = ControlServer.start(runtime.controlSocket(), devices, exports::uriFor, owner,
                    mounts);
            SocketKeeper keeper = new SocketKeeper(runtime, lock);
            try {
                keeper.keep("control socket", runtime.controlSocket(), control::rebind);
                ExportServer served = exports;
                if (exports.unixSocket().isPresent()) {
                    keeper.keep("NBD socket", exports.unixSocket().get(), served::rebindUnixSocket);
                }
            } catch (IOException | RuntimeException e) {
                control.close();
                throw e;
            }
            keeper.start();
            return new DeviceHost(lock, devices, exports, control, owner, mounts, keeper);
        } catch (IOException | RuntimeException e) {
            closeAll(null, null, devices, exports, lock);
            throw e;
        }
    }

    /**
     * Hears, on a thread of the host's, when the runtime directory or its sockets were removed from under this
     * owner and put back (see {@link SocketKeeper}), in words for the user. Closing the handle stops it.
     */
    public AutoCloseable onSocketsRestored(Consumer<String> listener) {
        return keeper.onRestored(listener);
    }

    /** The device table this process owns; the app uses it directly. */
    public DeviceTable devices() {
        return devices;
    }

    public OwnerInfo owner() {
        return owner;
    }

    /** Mount, unmount, what holds a device, and detach that unmounts first. */
    public MountService mounts() {
        return mounts;
    }

    /** The NBD URI of a unit. */
    public String uriFor(String unit) {
        return exports.uriFor(unit);
    }

    /**
     * Shuts down in the order that loses nothing: no more control requests, then every mount undone (lazily
     * where in use), then every device detached with force (clients disconnected, images flushed and closed),
     * then the NBD listener, then ownership.
     */
    @Override
    public void close() throws IOException {
        keeper.close();
        closeAll(control, mounts.table(), devices, exports, lock);
    }

    private static void closeAll(ControlServer control, MountTable mounts, DeviceTable devices, ExportServer exports,
                                 OwnerLock lock) throws IOException {
        if (control != null) {
            control.close();
        }
        if (mounts != null) {
            mounts.close();
        }
        IOException detachFailure = closing(devices);
        IOException failure = closing(exports);
        if (detachFailure != null) {
            // a client that ignored its forced close is gone now that the NBD server is: detach what is left
            detachFailure = closing(devices);
        }
        IOException lockFailure = closing(lock);
        for (IOException e : new IOException[] {detachFailure, failure, lockFailure}) {
            if (e != null) {
                throw e;
            }
        }
    }

    /** Asks the owner listening on {@code controlSocket} what it is (to name it to a second owner). */
    private static String greet(Path controlSocket) throws IOException {
        try (ControlClient client = ControlClient.connect(controlSocket, Duration.ofSeconds(3))) {
            return client.hello().summary();
        }
    }

    /** Closes {@code part} (if any) and returns what went wrong instead of throwing, so that shutdown goes on. */
    private static IOException closing(AutoCloseable part) {
        if (part == null) {
            return null;
        }
        try {
            part.close();
            return null;
        } catch (IOException e) {
            return e;
        } catch (Exception e) {
            return new IOException(e.getMessage(), e);
        }
    }
}
