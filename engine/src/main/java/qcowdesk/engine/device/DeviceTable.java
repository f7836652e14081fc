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
    /** Where temporary overlays are made; null: this table offers no temporary writes. */
    private final Path temporaryDirectory;
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
        this(opener, forceTimeout, null);
    }

    /**
     * @param temporaryDirectory where temporary overlays are made (a private directory of the owner's), or null
     *                           when this table does not offer temporary writes
     */
    public DeviceTable(DiskOpener opener, Duration forceTimeout, Path temporaryDirectory) {
        this.opener = opener;
        this.forceTimeout = forceTimeout;
        this.temporaryDirectory = temporaryDirectory;
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
        if (request.temporary() && temporaryDirectory == null) {
            throw new EngineException(ErrorCode.UNSUPPORTED, "this device owner offers no temporary writes");
        }
        Path path = request.path();
        // a temporary device only reads its image: it may share it with readers, never with a writer
        boolean readsOnly = request.readOnly() || request.temporary();
        FileIdentity file = identify(path, fileName, readsOnly);
        Claim claim = new Claim(file, readsOnly, fileName);
        String unit = reserve(request.unit(), claim);
        VirtualDisk image = null;
        TemporaryDisk temporary = null;
        try {
            List<String> notes = new ArrayList<>();
            if (request.temporary()) {
                temporary = openTemporary(path, fileName, request.allowExternalFiles());
                image = temporary.disk();
            } else if (request.snapshot() != null) {
                image = openSnapshot(path, fileName, request.snapshot(), request.allowExternalFiles());
            } else {
                image = openImage(path, fileName, request.readOnly(), request.allowExternalFiles(), notes::add);
            }
            if (!file.equals(identify(path, fileName, readsOnly))) {
                throw new EngineException(ErrorCode.IO, fileName + " was replaced while it was being attached");
            }
            AttachedDevice device = new AttachedDevice(unit, fileName, request.readOnly(), secBits, image,
                    new OpenFileStat(file, unit + " (" + fileName + ")"), events::publish, temporary);
            device.presentsSnapshot(request.snapshot());
            device.locatedAt(path);
            if (!readsOnly && request.snapshot() == null) {
                device.reopensFrom(new AttachedDevice.Reopening(path, request.allowExternalFiles()));
            }
            DeviceInfo info = publish(device);
            notes.forEach(note -> events.publish(new DeviceEvent.Repaired(unit, note)));
            return info;
        } catch (EngineException | RuntimeException e) {
            synchronized (lock) {
                pending.remove(unit);
                claims.remove(unit);
            }
            closeQuietly(image);
            discardQuietly(temporary);
            throw e;
        }
    }

    /**
     * Detaches a unit: fails BUSY while clients are connected unless {@code force}, which disconnects them
     * (waiting for them to let go), then flushes and closes the image. A temporary device's writes are discarded.
     */
    public void detach(String unit, boolean force) throws EngineException {
        detach(unit, force, null);
    }

    /**
     * Throws unless {@code end} suits the unit: only a temporary device's writes can be kept or committed, and
     * the file to keep them in must be new, the image to commit them into writable. A null {@code end} (the
     * default: discard) suits every device. Nothing changes.
     */
    public void checkDetach(String unit, TemporaryWrites end) throws EngineException {
        AttachedDevice device = require(unit);
        if (end == null) {
            return;
        }
        if (device.temporary() == null) {
            throw new EngineException(ErrorCode.INVALID_ARGUMENT, unit + " is not a temporary device (it is attached "
                    + (device.readOnly() ? "read-only" : "read-write: its writes are in " + device.fileName()
                    + " already") + "); only a temporary device's writes can be discarded, kept or committed");
        }
        device.temporary().check(end);
    }

    /**
     * Detaches as {@link #detach(String, boolean)}; a temporary device's writes then end as {@code end} says
     * (null: discarded). When keeping or committing fails after the device is gone, the writes stay in the
     * overlay file, which the error names. Returns what became of a temporary device's writes, in a sentence
     * for the user; null for other devices.
     */
    public String detach(String unit, boolean force, TemporaryWrites end) throws EngineException {
        checkDetach(unit, end);
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
            // quiesced, so that a snapshot exchanging the image is either over or refused (the device is detached)
            device.view().exchangeQuiesced(image -> {
                image.close();
                return image;
            });
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
        return device.temporary() == null ? null
                : finishTemporary(device, end == null ? TemporaryWrites.discard() : end);
    }

    private static String finishTemporary(AttachedDevice device, TemporaryWrites end) throws EngineException {
        try {
            device.temporary().finish(end);
            return end.outcome(device.fileName());
        } catch (IOException | RuntimeException e) {
            throw new EngineException(ErrorCode.IO, device.unit() + " is detached, but its temporary writes could not"
                    + " be " + (end.kind() == TemporaryWrites.Kind.KEEP ? "kept in " + end.keepAs() : "committed into "
                    + device.fileName()) + " (" + e.getMessage() + "); they stay in " + device.temporary().overlay()
                    + " until the device owner next starts", e);
        }
    }

    /**
     * Creates internal snapshot {@code name} of a unit attached read-write while its clients stay connected
     * ({@link LiveSnapshot}); the device stays attached whether it succeeds or not.
     */
    public void snapshot(String unit, String name) throws EngineException {
        new LiveSnapshot(opener).take(require(unit), name);
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
        // through the device's view, which goes on forwarding when the image is exchanged (snapshot)
        allocationSubscriptions.put(unit, device.disk().onAllocation(
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

    private VirtualDisk openSnapshot(Path path, String fileName, String snapshot, boolean allowExternalFiles)
            throws EngineException {
        try {
            return opener.openSnapshot(path, snapshot, allowExternalFiles);
        } catch (IOException e) {
            throw OpenErrors.explain(e, fileName, false, OpenErrors.ATTACH_READ_ONLY);
        } catch (OverlappingFileLockException e) {
            throw new EngineException(ErrorCode.IN_USE, fileName + " is in use by this process", e);
        }
    }

    private TemporaryDisk openTemporary(Path path, String fileName, boolean allowExternalFiles)
            throws EngineException {
        try {
            return opener.openTemporary(path, temporaryDirectory, allowExternalFiles);
        } catch (IOException e) {
            throw OpenErrors.explain(e, fileName, false, OpenErrors.ATTACH_READ_ONLY);
        }
    }

    private static void discardQuietly(TemporaryDisk temporary) {
        if (temporary != null) {
            try {
                temporary.finish(TemporaryWrites.discard());
            } catch (IOException | RuntimeException ignored) {
                // the attach already failed for a better reason
            }
        }
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
