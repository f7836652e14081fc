package qcowdesk.app.devices;

import qcowdesk.bridge.control.ControlClient;
import qcowdesk.bridge.control.MountService;
import qcowdesk.bridge.mount.MountEvent;
import qcowdesk.bridge.mount.MountedFs;
import qcowdesk.bridge.control.WatchListener;
import qcowdesk.bridge.owner.OwnerInfo;
import qcowdesk.engine.EngineException;
import qcowdesk.engine.ErrorCode;
import qcowdesk.engine.VirtualDisk;
import qcowdesk.engine.device.AttachRequest;
import qcowdesk.engine.device.DeviceEvent;
import qcowdesk.engine.device.DeviceInfo;
import qcowdesk.engine.device.FileStat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The devices of another owner (a running {@code qcowctl daemon}), used over its control socket.
 * The control client takes one request at a time, so calls are serialised here.
 */
public final class RemoteDeviceService implements DeviceService {

    private final ControlClient client;
    private final OwnerInfo owner;

    public RemoteDeviceService(ControlClient client, OwnerInfo owner) {
        this.client = client;
        this.owner = owner;
    }

    @Override
    public String description() {
        return "Connected to the running " + owner.description() + " (pid " + owner.pid() + ") via "
                + owner.controlSocket();
    }

    @Override
    public Path nbdSocket() {
        return Path.of(owner.nbdSocket());
    }

    @Override
    public synchronized DeviceInfo attach(AttachRequest request) throws EngineException {
        try {
            String unit = client.attach(request.fileName(), request.readOnly(), request.secBits(), request.unit(),
                    request.allowExternalFiles()).unit();
            return client.list().stream().filter(device -> device.unit().equals(unit)).findFirst()
                    .orElseThrow(() -> new EngineException(ErrorCode.NOT_ATTACHED,
                            unit + " was attached but is gone already"));
        } catch (IOException e) {
            throw DeviceFailures.asEngineFailure(e);
        }
    }

    @Override
    public synchronized void detach(String unit, boolean force) throws EngineException {
        try {
            client.detach(unit, force);
        } catch (IOException e) {
            throw DeviceFailures.asEngineFailure(e);
        }
    }

    @Override
    public synchronized List<String> detach(String unit, boolean force, boolean unmount) throws EngineException {
        try {
            return client.detach(unit, force, unmount);
        } catch (IOException e) {
            throw DeviceFailures.asEngineFailure(e);
        }
    }

    @Override
    public synchronized MountedFs mount(ControlClient.Mount request) throws EngineException {
        try {
            return client.mount(request);
        } catch (IOException e) {
            throw DeviceFailures.asEngineFailure(e);
        }
    }

    @Override
    public synchronized MountService.Unmounted unmount(String target) throws EngineException {
        try {
            return client.unmount(target);
        } catch (IOException e) {
            throw DeviceFailures.asEngineFailure(e);
        }
    }

    @Override
    public synchronized List<MountedFs> mounts() throws EngineException {
        try {
            return client.mounts();
        } catch (IOException e) {
            throw DeviceFailures.asEngineFailure(e);
        }
    }

    @Override
    public synchronized List<DeviceInfo> list() throws EngineException {
        try {
            return client.list();
        } catch (IOException e) {
            throw DeviceFailures.asEngineFailure(e);
        }
    }

    @Override
    public synchronized FileStat stat(String unit) throws EngineException {
        try {
            return client.stat(unit);
        } catch (IOException e) {
            throw DeviceFailures.asEngineFailure(e);
        }
    }

    @Override
    public AutoCloseable watch(Runnable onChange) throws EngineException {
        try {
            return client.watch(new WatchListener() {
                @Override
                public void event(DeviceEvent event) {
                    if (DeviceChanges.matter(event)) {
                        onChange.run();
                    }
                }

                @Override
                public void mountChanged(MountEvent event) {
                    onChange.run();
                }

                @Override
                public void overflow() {
                    onChange.run();
                }

                @Override
                public void ended(IOException cause) {
                    onChange.run(); // the next look at the device table reports what broke
                }
            });
        } catch (IOException e) {
            throw DeviceFailures.asEngineFailure(e);
        }
    }

    /** The disk lives in the other process; views open the file read-only instead. */
    @Override
    public Optional<VirtualDisk> liveDisk(String unit) {
        return Optional.empty();
    }

    @Override
    public void close() {
        client.close();
    }
}
