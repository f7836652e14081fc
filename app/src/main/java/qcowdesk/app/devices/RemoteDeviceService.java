package qcowdesk.app.devices;

import qcowdesk.bridge.RuntimeDirectory;
import qcowdesk.bridge.control.ControlClient;
import qcowdesk.bridge.control.MountService;
import qcowdesk.bridge.control.RemoteDisk;
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
import qcowdesk.engine.device.TemporaryWrites;
import qcowdesk.engine.device.FileStat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The devices of another owner (a running {@code qcowctl daemon}), used over its control socket.
 * The control client takes one request at a time, so calls are serialised here.
 */
public final class RemoteDeviceService implements DeviceService {

    private ControlClient client;
    private OwnerInfo owner;
    /** The connection broke (the owner exited): the next call connects again, to whichever owner runs then. */
    private boolean broken;

    public RemoteDeviceService(ControlClient client, OwnerInfo owner) {
        this.client = client;
        this.owner = owner;
    }

    /** One request, on a connection that is (re)made first when the last one broke. */
    private synchronized <T> T call(Request<T> request) throws EngineException {
        try {
            if (broken) {
                ControlClient fresh = ControlClient.connect(RuntimeDirectory.ofControlSocket(Path.of(owner.controlSocket())));
                OwnerInfo answering = fresh.hello();
                client.close();
                client = fresh;
                owner = answering;
                broken = false;
            }
            return request.send(client);
        } catch (EngineException refused) {
            // IO is how the client reports a lost connection; other codes are the owner's answers on a good one
            broken = refused.code() == ErrorCode.IO;
            throw refused;
        } catch (IOException e) {
            broken = true;
            throw DeviceFailures.asEngineFailure(e);
        }
    }

    private interface Request<T> {
        T send(ControlClient client) throws IOException;
    }

    @Override
    public synchronized long ownerPid() {
        return owner.pid();
    }

    @Override
    public synchronized String description() {
        return "Connected to the running " + owner.description() + " (pid " + owner.pid() + ") via "
                + owner.controlSocket();
    }

    @Override
    public Path nbdSocket() {
        return Path.of(owner.nbdSocket());
    }

    @Override
    public DeviceInfo attach(AttachRequest request) throws EngineException {
        return call(client -> {
            String unit = (request.snapshot() != null
                    ? client.attachSnapshot(request.fileName(), request.snapshot(), request.secBits(), request.unit(),
                    request.allowExternalFiles())
                    : request.temporary()
                    ? client.attachTemporary(request.fileName(), request.secBits(), request.unit(),
                    request.allowExternalFiles())
                    : client.attach(request.fileName(), request.readOnly(), request.secBits(), request.unit(),
                    request.allowExternalFiles())).unit();
            return client.list().stream().filter(device -> device.unit().equals(unit)).findFirst()
                    .orElseThrow(() -> new EngineException(ErrorCode.NOT_ATTACHED,
                            unit + " was attached but is gone already"));
        });
    }

    @Override
    public void snapshot(String unit, String name) throws EngineException {
        call(client -> {
            client.snapshot(unit, name);
            return null;
        });
    }

    @Override
    public void detach(String unit, boolean force) throws EngineException {
        detach(unit, force, false);
    }

    @Override
    public List<String> detach(String unit, boolean force, boolean unmount) throws EngineException {
        return call(client -> client.detach(unit, force, unmount));
    }

    @Override
    public List<String> detach(String unit, boolean force, boolean unmount, TemporaryWrites end)
            throws EngineException {
        return call(client -> client.detach(unit, force, unmount, end));
    }

    @Override
    public MountedFs mount(ControlClient.Mount request) throws EngineException {
        return call(client -> client.mount(request));
    }

    @Override
    public MountService.Unmounted unmount(String target) throws EngineException {
        return call(client -> client.unmount(target));
    }

    @Override
    public List<MountedFs> mounts() throws EngineException {
        return call(ControlClient::mounts);
    }

    @Override
    public List<DeviceInfo> list() throws EngineException {
        return call(ControlClient::list);
    }

    @Override
    public FileStat stat(String unit) throws EngineException {
        return call(client -> client.stat(unit));
    }

    @Override
    public synchronized AutoCloseable watch(Runnable onChange, Consumer<DeviceEvent.Repaired> onRepaired)
            throws EngineException {
        try {
            return client.watch(new WatchListener() {
                @Override
                public void event(DeviceEvent event) {
                    if (event instanceof DeviceEvent.Repaired repaired) {
                        onRepaired.accept(repaired);
                    }
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

    /**
     * The device as the owner sees it, over a control connection of its own: map and bytes asked of the owner,
     * allocation events from its event stream. Empty when the owner cannot give it (the views then open the
     * file read-only, without live updates).
     */
    @Override
    public Optional<VirtualDisk> liveDisk(String unit) {
        Path socket;
        synchronized (this) {
            socket = Path.of(owner.controlSocket());
        }
        try {
            return Optional.of(RemoteDisk.open(socket, unit));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    @Override
    public synchronized void close() {
        client.close();
    }
}
