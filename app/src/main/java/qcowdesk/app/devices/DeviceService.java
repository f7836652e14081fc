package qcowdesk.app.devices;

import qcowdesk.bridge.control.ControlClient;
import qcowdesk.bridge.control.MountService;
import qcowdesk.bridge.mount.MountedFs;
import qcowdesk.engine.EngineException;
import qcowdesk.engine.ErrorCode;
import qcowdesk.engine.VirtualDisk;
import qcowdesk.engine.device.AttachRequest;
import qcowdesk.engine.device.DeviceEvent;
import qcowdesk.engine.device.DeviceInfo;
import qcowdesk.engine.device.TemporaryWrites;
import qcowdesk.engine.device.FileStat;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

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

    /**
     * Detaches; {@code unmount} unmounts the device's filesystems first, {@code force} unmounts (lazily if it
     * must) and disconnects the clients. A device still held fails with a {@link qcowdesk.bridge.holders.BusyException}
     * naming the holders. Returns what the user should know (e.g. that an unmount was lazy).
     */
    default List<String> detach(String unit, boolean force, boolean unmount) throws EngineException {
        detach(unit, force);
        return List.of();
    }

    /**
     * Detaches as {@link #detach(String, boolean, boolean)}; a temporary device's writes end as {@code end} says
     * (null: discarded). The notes then say what became of them.
     */
    default List<String> detach(String unit, boolean force, boolean unmount, TemporaryWrites end)
            throws EngineException {
        if (end != null) {
            throw new EngineException(ErrorCode.UNSUPPORTED, "this device owner cannot keep or commit temporary writes");
        }
        return detach(unit, force, unmount);
    }

    /** Mounts a filesystem of a device on this machine (see {@code qcowctl mount}). */
    default MountedFs mount(ControlClient.Mount request) throws EngineException {
        throw new EngineException(ErrorCode.UNSUPPORTED, "this device owner cannot mount");
    }

    /** Unmounts a mount point (absolute path) or every mount of a unit. */
    default MountService.Unmounted unmount(String target) throws EngineException {
        throw new EngineException(ErrorCode.UNSUPPORTED, "this device owner cannot unmount");
    }

    /** The filesystems of the devices mounted on this machine. */
    default List<MountedFs> mounts() throws EngineException {
        return List.of();
    }

    /** All devices, ordered by unit. */
    List<DeviceInfo> list() throws EngineException;

    /** The stat of the open backing file of {@code unit}. */
    FileStat stat(String unit) throws EngineException;

    /**
     * The disk behind {@code unit} as its owner sees it, so views can watch clients' writes as they happen: the
     * device's own disk when the device table lives in this process, a view over the control socket when another
     * process owns it; empty when there is none. The caller closes it when done (closing the disk of a device
     * owned here does nothing: the device table closes it).
     */
    Optional<VirtualDisk> liveDisk(String unit);

    /**
     * Calls {@code onChange} (on some other thread) whenever devices are attached or detached or clients come
     * and go, whoever caused it, and {@code onRepaired} when an attach had to repair its image first (a dirty
     * image's refcounts rebuilt). Closing the returned handle stops the calls.
     */
    AutoCloseable watch(Runnable onChange, Consumer<DeviceEvent.Repaired> onRepaired) throws EngineException;

    /**
     * Calls {@code onNotice} (on some other thread) with what the owner did by itself that the user should know,
     * e.g. that it re-created its sockets after they were removed from under it. Closing the handle stops it.
     */
    default AutoCloseable onNotice(Consumer<String> onNotice) {
        return () -> { };
    }

    /** The process that holds the devices' files open (this one for an embedded owner). */
    default long ownerPid() {
        return ProcessHandle.current().pid();
    }

    /** True when the devices live in this process, so that quitting the app would detach them. */
    default boolean ownsDevices() {
        return false;
    }

    /** Releases the service; an embedded owner detaches all devices cleanly. */
    @Override
    void close();

    /**
     * Creates internal snapshot {@code name} of the image of {@code unit}, a device attached read-write, through the
     * owner: it quiesces the device, flushes, snapshots the file and carries on with the same clients.
     */
    default void snapshot(String unit, String name) throws EngineException {
        throw new EngineException(ErrorCode.UNSUPPORTED, "this device owner cannot snapshot an attached image");
    }
}
