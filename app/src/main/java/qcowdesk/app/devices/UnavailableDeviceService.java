package qcowdesk.app.devices;

import qcowdesk.engine.EngineException;
import qcowdesk.engine.ErrorCode;
import qcowdesk.engine.VirtualDisk;
import qcowdesk.engine.device.AttachRequest;
import qcowdesk.engine.device.DeviceEvent;
import qcowdesk.engine.device.DeviceInfo;
import qcowdesk.engine.device.FileStat;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/** Stands in when no device engine could be started; every operation says why. */
public final class UnavailableDeviceService implements DeviceService {

    private final Path nbdSocket;
    private final String reason;

    public UnavailableDeviceService(Path nbdSocket, String reason) {
        this.nbdSocket = nbdSocket;
        this.reason = reason;
    }

    @Override
    public String description() {
        return "Devices unavailable: " + reason;
    }

    @Override
    public Path nbdSocket() {
        return nbdSocket;
    }

    @Override
    public DeviceInfo attach(AttachRequest request) throws EngineException {
        throw unavailable();
    }

    @Override
    public void detach(String unit, boolean force) throws EngineException {
        throw unavailable();
    }

    @Override
    public List<DeviceInfo> list() {
        return List.of();
    }

    @Override
    public FileStat stat(String unit) throws EngineException {
        throw unavailable();
    }

    @Override
    public Optional<VirtualDisk> liveDisk(String unit) {
        return Optional.empty();
    }

    @Override
    public AutoCloseable watch(Runnable onChange, Consumer<DeviceEvent.Repaired> onRepaired) {
        return () -> { };
    }

    @Override
    public void close() {
    }

    private EngineException unavailable() {
        return new EngineException(ErrorCode.UNSUPPORTED, reason);
    }
}
