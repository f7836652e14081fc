package qcowdesk.app.devices;

import qcowdesk.engine.EngineException;
import qcowdesk.engine.VirtualDisk;
import qcowdesk.engine.device.AttachRequest;
import qcowdesk.engine.device.DeviceInfo;
import qcowdesk.engine.device.FileStat;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The device table as the app uses it: either owned by this process (embedded engine and NBD server) or owned
 * by a running {@code qcowctl daemon} and reached over its control socket. Calls may block: run them off the
 * FX thread. Failures are {@link EngineException}s whose message is shown to the user as it is.
 */
public interface DeviceService extends AutoCloseable {

    /** How the app reaches the devices, for the status bar, e.g. "Embedded engine". */
    String description();

    /** The Unix socket NBD clients connect to. */
    Path nbdSocket();

    /** Attaches an image; returns the new device. */
    DeviceInfo attach(AttachRequest request) throws EngineException;

    /** Detaches; fails with code BUSY while clients are connected, unless {@code force}. */
    void detach(String unit, boolean force) throws EngineException;

    /** All devices, ordered by unit. */
    List<DeviceInfo> list() throws EngineException;

    /** The stat of the open backing file of {@code unit}. */
    FileStat stat(String unit) throws EngineException;

    /**
     * The disk behind {@code unit} when the device table lives in this process, so views can watch clients'
     * writes as they happen; empty when the owner is another process.
     */
    Optional<VirtualDisk> liveDisk(String unit);

    /**
     * Calls {@code onChange} (on some other thread) whenever devices are attached or detached or clients come
     * and go, whoever caused it. Closing the returned handle stops the calls.
     */
    AutoCloseable watch(Runnable onChange) throws EngineException;

    /** Releases the service; an embedded owner detaches all devices cleanly. */
    @Override
    void close();
}
