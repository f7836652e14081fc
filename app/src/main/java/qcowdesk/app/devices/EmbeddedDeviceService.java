package qcowdesk.app.devices;

import qcowdesk.bridge.RuntimeDirectory;
import qcowdesk.bridge.host.DeviceHost;
import qcowdesk.engine.EngineException;
import qcowdesk.engine.VirtualDisk;
import qcowdesk.engine.device.AttachRequest;
import qcowdesk.engine.device.Device;
import qcowdesk.engine.device.DeviceInfo;
import qcowdesk.engine.device.FileStat;
import qcowdesk.engine.support.Log;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

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
    public void detach(String unit, boolean force) throws EngineException {
        host.devices().detach(unit, force);
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
    public AutoCloseable watch(Runnable onChange) {
        return host.devices().subscribe(event -> {
            if (DeviceChanges.matter(event)) {
                onChange.run();
            }
        });
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
