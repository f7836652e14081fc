package qcowdesk.engine.device;

import java.io.IOException;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

import qcowdesk.engine.EngineException;
import qcowdesk.engine.ErrorCode;
import qcowdesk.engine.OpenErrors;
import qcowdesk.engine.VirtualDisk;
import qcowdesk.engine.qcow2.ExternalFilePolicy;

/**
 * The attached devices of this process, with the semantics of the qcow(4) driver: attach, detach (busy while
 * clients are connected unless forced), fname, stat, list, and events for listeners.
 *
 * <p>Thread-safe. The table lock is held only to look up and reserve names, never while opening, flushing or
 * waiting for clients, so a slow image never stalls the other units.
 */
public final class DeviceTable implements DeviceDirectory, AutoCloseable {

    /** How long a forced detach waits for its clients to let go. */
    public static final Duration DEFAULT_FORCE_TIMEOUT = Duration.ofSeconds(10);

    private final DiskOpener opener;
    private final Duration forceTimeout;
    private final EventDispatcher events = new EventDispatcher();
    private final Object lock = new Object();
    private final Map<String, AttachedDevice> devices = new TreeMap<>(UnitNames.ORDER);
    /** Units being attached: their names and files are taken, but they are not visible yet. */
    private final Map<String, Claim> pending = new HashMap<>();
    private final Map<String, Claim> claims = new HashMap<>();
    /** Each unit's forwarding of its image's allocation events. */
    private final Map<String, VirtualDisk.Subscription> allocationSubscriptions = new ConcurrentHashMap<>();
    private boolean closed;

    /** A unit's hold on its file, for the image-lock rules inside this process. */
    private record Claim(FileIdentity file, boolean readOnly, String fileName) {
    }

    public DeviceTable(DiskOpener opener) {
        this(opener, DEFAULT_FORCE_TIMEOUT);
    }

    public DeviceTable(DiskOpener opener, Duration forceTimeout) {
        this.opener = opener;
        this.forceTimeout = forceTimeout;
    }

    /** Attaches an image as a new unit and returns it. */
    public DeviceInfo attach(AttachRequest request) throws EngineException {
        int secBits = SectorSizes.resolve(request.secBits());
        String fileName = request.fileName();
        if (fileName.isEmpty() || fileName.indexOf('\0') >= 0) {
            throw new EngineException(ErrorCode.INVALID_ARGUMENT, "invalid file name '" + fileName + "'");
        }
        if (request.unit() != null) {
            UnitNames.validate(request.unit());
        }
        Path path = request.path();
        FileIdentity file = identify(path, fileName, request.readOnly());
        Claim claim = new Claim(file, request.readOnly(), fileName);
        String unit = reserve(request.unit(), claim);
        VirtualDisk image = null;
        try {
            List<String> notes = new ArrayList<>();
            image = openImage(path, fileName, request.readOnly(), request.allowExternalFiles(), notes::add);
            if (!file.equals(identify(path, fileName, request.readOnly()))) {
                throw new EngineException(ErrorCode.IO, fileName + " was replaced while it was being attached");
            }
            AttachedDevice device = new AttachedDevice(unit, fileName, request.readOnly(), secBits, image,
                    new OpenFileStat(file, unit + " (" + fileName + ")"), events::publish);
            DeviceInfo info = publish(device);
            notes.forEach(note -> events.publish(new DeviceEvent.Repaired(unit, note)));
            return info;
        } catch (EngineException | RuntimeException e) {
            synchronized (lock) {
                pending.remove(unit);
                claims.remove(unit);
            }
            closeQuietly(image);
            throw e;
        }
    }

    /**
     * Detaches a unit: fails BUSY while clients are connected unless {@code force}, which disconnects them
     * (waiting for them to let go), then flushes and closes the image.
     */
    public void detach(String unit, boolean force) throws EngineException {
        AttachedDevice device = require(unit);
        device.beginDetach(force, forceTimeout);
        try {
            device.disk().flush();
        } catch (IOException e) {
            device.abortDetach();
            throw new EngineException(ErrorCode.IO, "cannot flush " + unit + " (" + device.fileName()
                    + "), it stays attached: " + e.getMessage(), e);
        }
        EngineException closeFailure = null;
        try {
            allocationSubscriptions.remove(unit).close();
            device.image().close();
        } catch (IOException e) {
            closeFailure = new EngineException(ErrorCode.IO, "closing " + device.fileName() + " failed: "
                    + e.getMessage(), e);
        } finally {
            synchronized (lock) {
                devices.remove(unit);
                claims.remove(unit);
                events.publish(new DeviceEvent.Detached(unit, device.fileName(), force));
            }
        }
        if (closeFailure != null) {
            throw closeFailure;
        }
    }

    /** The file name exactly as given at attach. */
    public String fname(String unit) throws EngineException {
        return require(unit).fileName();
    }

    /** fstat(2) of the unit's open backing file. */
    public FileStat stat(String unit) throws EngineException {
        return require(unit).openFile().stat();
    }

    /** The attached devices, ordered by unit (qcow2 before qcow10). */
    public List<DeviceInfo> list() {
        return devicesInOrder().stream().map(AttachedDevice::info).toList();
    }

    /** The unit's current state. */
    public DeviceInfo info(String unit) throws EngineException {
        return require(unit).info();
    }

    /**
     * Subscribes to device events. Listeners run one at a time on the table's event thread, in the order the
     * events happened; they must not block for long.
     */
    public Subscription subscribe(Consumer<DeviceEvent> listener) {
        return events.subscribe(listener);
    }

    @Override
    public Optional<Device> find(String unit) {
        synchronized (lock) {
            return Optional.ofNullable(devices.get(unit));
        }
    }

    @Override
    public List<Device> devices() {
        return List.copyOf(devicesInOrder());
    }

    /** Detaches every unit with force (flushing each image) and refuses further attaches. */
    @Override
    public void close() throws EngineException {
        synchronized (lock) {
            closed = true;
        }
        EngineException first = null;
        for (AttachedDevice device : devicesInOrder()) {
            try {
                detach(device.unit(), true);
            } catch (EngineException e) {
                if (e.code() != ErrorCode.NOT_ATTACHED && first == null) {
                    first = e;
                }
            }
        }
        events.close();
        if (first != null) {
            throw first;
        }
    }

    private DeviceInfo publish(AttachedDevice device) {
        String unit = device.unit();
        allocationSubscriptions.put(unit, device.image().onAllocation(
                allocation -> events.publish(new DeviceEvent.ClustersAllocated(unit, allocation))));
        synchronized (lock) {
            pending.remove(unit);
            devices.put(unit, device);
            DeviceInfo info = device.info();
            events.publish(new DeviceEvent.Attached(info));
            return info;
        }
    }

    private String reserve(String wanted, Claim claim) throws EngineException {
        synchronized (lock) {
            if (closed) {
                throw new EngineException(ErrorCode.IO, "the device table is shut down");
            }
            for (Map.Entry<String, Claim> other : claims.entrySet()) {
                Claim held = other.getValue();
                if (held.file().equals(claim.file()) && !(held.readOnly() && claim.readOnly())) {
                    throw new EngineException(ErrorCode.IN_USE, claim.fileName() + " is in use: it is attached as "
                            + other.getKey() + (held.readOnly() ? " read-only" : " read-write")
                            + (held.fileName().equals(claim.fileName()) ? "" : " (as " + held.fileName() + ")"));
                }
            }
            Set<String> taken = new HashSet<>(devices.keySet());
            taken.addAll(pending.keySet());
            String unit = wanted != null ? wanted : UnitNames.nextFree(taken);
            if (taken.contains(unit)) {
                AttachedDevice holder = devices.get(unit);
                throw new EngineException(ErrorCode.BUSY, unit + " is already attached"
                        + (holder != null ? " to " + holder.fileName() : ""));
            }
            pending.put(unit, claim);
            claims.put(unit, claim);
            return unit;
        }
    }

    private VirtualDisk openImage(Path path, String fileName, boolean readOnly, boolean allowExternalFiles,
                                  Consumer<String> notes) throws EngineException {
        VirtualDisk image;
        try {
            image = opener.open(path, readOnly, allowExternalFiles, notes);
        } catch (IOException e) {
            throw OpenErrors.explain(e, fileName, !readOnly, OpenErrors.ATTACH_READ_ONLY);
        } catch (OverlappingFileLockException e) {
            throw new EngineException(ErrorCode.IN_USE, fileName + " is in use by this process", e);
        }
        if (!readOnly && image.isReadOnly()) {
            // an opener must never fall back to read-only on its own: the user asked for a writable device
            closeQuietly(image);
            throw new EngineException(ErrorCode.READ_ONLY_FILE, "cannot open " + fileName + " for writing");
        }
        return image;
    }

    private static FileIdentity identify(Path path, String fileName, boolean readOnly) throws EngineException {
        try {
            // before any unit is reserved: opening a FIFO would block until a writer appears
            ExternalFilePolicy.requireRegularFile(path);
            return FileIdentity.of(path);
        } catch (IOException e) {
            throw OpenErrors.explain(e, fileName, !readOnly, OpenErrors.ATTACH_READ_ONLY);
        }
    }

    private AttachedDevice require(String unit) throws EngineException {
        synchronized (lock) {
            AttachedDevice device = devices.get(unit);
            if (device == null) {
                throw new EngineException(ErrorCode.NOT_ATTACHED, unit + " is not attached");
            }
            return device;
        }
    }

    private List<AttachedDevice> devicesInOrder() {
        synchronized (lock) {
            return new ArrayList<>(devices.values());
        }
    }

    private static void closeQuietly(VirtualDisk image) {
        if (image != null) {
            try {
                image.close();
            } catch (IOException | RuntimeException ignored) {
                // the attach already failed for a better reason
            }
        }
    }
}
