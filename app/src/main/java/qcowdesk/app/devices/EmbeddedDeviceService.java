package qcowdesk.app.devices;

import qcowdesk.bridge.RuntimeDirectory;
import qcowdesk.bridge.host.DeviceHost;
import qcowdesk.bridge.control.ControlClient;
import qcowdesk.bridge.control.MountService;
import qcowdesk.bridge.mount.MountedFs;
import qcowdesk.bridge.mount.RouteKind;
import qcowdesk.engine.EngineException;
import qcowdesk.engine.device.Subscription;
import qcowdesk.engine.VirtualDisk;
import qcowdesk.engine.device.AttachRequest;
import qcowdesk.engine.device.Device;
import qcowdesk.engine.device.DeviceEvent;
import qcowdesk.engine.device.DeviceInfo;
import qcowdesk.engine.device.TemporaryWrites;
import qcowdesk.engine.device.FileStat;
import qcowdesk.engine.support.Log;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/** The app as the owner of the device table: engine, NBD server and control socket in this process. */
public final class EmbeddedDeviceService implements DeviceService {

    private static final Log LOG = Log.of(EmbeddedDeviceService.class);

    private final DeviceHost host;
    private final RuntimeDirectory runtime;
    private final AtomicBoolean closed = new AtomicBoolean();

    public EmbeddedDeviceService(DeviceHost host, RuntimeDirectory runtime) {
        this.host = host;
        this.runtime = runtime;
    }

    @Override
    public boolean ownsDevices() {
        return true;
    }

    @Override
    public String description() {
        return "Embedded engine (owner of the devices; qcowctl talks to this app)";
    }

    @Override
    public Path nbdSocket() {
        return runtime.nbdSocket();
    }

    @Override
    public DeviceInfo attach(AttachRequest request) throws EngineException {
        return host.devices().attach(request);
    }

    @Override
    public void snapshot(String unit, String name) throws EngineException {
        host.devices().snapshot(unit, name);
    }

    @Override
    public void detach(String unit, boolean force) throws EngineException {
        detach(unit, force, false);
    }

    @Override
    public List<String> detach(String unit, boolean force, boolean unmount) throws EngineException {
        return host.mounts().detach(unit, force, unmount);
    }

    @Override
    public List<String> detach(String unit, boolean force, boolean unmount, TemporaryWrites end)
            throws EngineException {
        return host.mounts().detach(unit, force, unmount, end);
    }

    @Override
    public MountedFs mount(ControlClient.Mount request) throws EngineException {
        return host.mounts().mount(request.unit(), request.partition(),
                request.mountPoint() == null ? null : Path.of(request.mountPoint()), request.readOnly(),
                request.options(), request.route() == null ? null : RouteKind.parse(request.route()),
                request.detachOnUnmount());
    }

    @Override
    public MountService.Unmounted unmount(String target) throws EngineException {
        return host.mounts().unmount(target);
    }

    @Override
    public List<MountedFs> mounts() {
        return host.mounts().table().list();
    }

    @Override
    public List<DeviceInfo> list() {
        return host.devices().list();
    }

    @Override
    public FileStat stat(String unit) throws EngineException {
        return host.devices().stat(unit);
    }

    @Override
    public Optional<VirtualDisk> liveDisk(String unit) {
        return host.devices().find(unit).map(Device::disk);
    }

    @Override
    public AutoCloseable watch(Runnable onChange, Consumer<DeviceEvent.Repaired> onRepaired) {
        Subscription devices = host.devices().subscribe(event -> {
            if (event instanceof DeviceEvent.Repaired repaired) {
                onRepaired.accept(repaired);
            }
            if (DeviceChanges.matter(event)) {
                onChange.run();
            }
        });
        Subscription mounts = host.mounts().table().subscribe(event -> onChange.run());
        return () -> {
            mounts.close();
            devices.close();
        };
    }

    /** The owner in this process puts its sockets back when a cleaner removes them, and says so. */
    @Override
    public AutoCloseable onNotice(Consumer<String> onNotice) {
        return host.onSocketsRestored(onNotice);
    }

    /**
     * Detaches every device with force (clients disconnected, images flushed and closed), then stops serving.
     * Called when the window closes and again by the shutdown hook (SIGTERM): only the first call acts.
     */
    @Override
    public void close() {
        if (closed.getAndSet(true)) {
            return;
        }
        try {
            host.close();
        } catch (IOException e) {
            // the app is exiting; the message is all that is left to give
            LOG.warn("shutting down the device owner: " + e.getMessage());
        }
    }
}
