package qcowdesk.engine.device;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

import qcowdesk.engine.EngineException;
import qcowdesk.engine.ErrorCode;
import qcowdesk.engine.VirtualDisk;
import qcowdesk.engine.support.Log;

/**
 * One unit of the device table: its disk, its clients, and the rule that a device with clients is busy.
 * The monitor of this object guards the state and the lease set, so that a connect racing with a detach
 * either gets its lease before the detach looks (and makes it busy) or fails NOT_ATTACHED.
 */
final class AttachedDevice implements Device {

    private static final Log LOG = Log.of(AttachedDevice.class);

    private enum State { ATTACHED, DETACHING, DETACHED }

    private final String unit;
    private final String fileName;
    private final int secBits;
    private final DeviceDisk disk;
    private final OpenFileStat stat;
    private final Consumer<DeviceEvent> events;
    private final TemporaryDisk temporary;
    /** The internal snapshot presented (read-only), or null for the image's current state. */
    private volatile String snapshot;
    private volatile String resolvedPath;
    /** Where the image was opened from, with the options to open it again; null: it is never reopened. */
    private volatile Reopening reopening;
    private final Set<Lease> leases = new LinkedHashSet<>();
    private State state = State.ATTACHED;

    AttachedDevice(String unit, String fileName, boolean readOnly, int secBits, VirtualDisk image,
                   OpenFileStat stat, Consumer<DeviceEvent> events) {
        this(unit, fileName, readOnly, secBits, image, stat, events, null);
    }

    /** A device whose {@code image} is {@code temporary}'s overlay (null for an ordinary device). */
    AttachedDevice(String unit, String fileName, boolean readOnly, int secBits, VirtualDisk image,
                   OpenFileStat stat, Consumer<DeviceEvent> events, TemporaryDisk temporary) {
        this.temporary = temporary;
        this.unit = unit;
        this.fileName = fileName;
        this.secBits = secBits;
        this.disk = new DeviceDisk(image, unit, readOnly, secBits);
        this.stat = stat;
        this.events = events;
    }

    @Override
    public String unit() {
        return unit;
    }

    @Override
    public String fileName() {
        return fileName;
    }

    @Override
    public boolean readOnly() {
        return disk.isReadOnly();
    }

    @Override
    public int sectorSize() {
        return 1 << secBits;
    }

    @Override
    public long sizeBytes() {
        return disk.size();
    }

    @Override
    public VirtualDisk disk() {
        return disk;
    }

    /** The device's view of its image, which can exchange the image while quiesced. */
    DeviceDisk view() {
        return disk;
    }

    /** Records that this device presents internal snapshot {@code name}; set once, before it is published. */
    void presentsSnapshot(String name) {
        this.snapshot = name;
    }

    /**
     * How a read-write device's image is opened again after a change made with the file closed (a snapshot);
     * {@code allowExternalFiles} is the consent given at attach.
     */
    record Reopening(Path path, boolean allowExternalFiles) {
    }

    /** Records how to reopen the image, for a read-write device of the image itself; set before publication. */
    void reopensFrom(Reopening reopening) {
        this.reopening = reopening;
    }

    /** How to reopen the image, or null for devices whose image is never reopened (read-only, temporary). */
    Reopening reopening() {
        return reopening;
    }

    /** Records where a relative file name led ({@code path}, absolute), for processes with another working directory. */
    void locatedAt(Path path) {
        this.resolvedPath = Path.of(fileName).isAbsolute() ? null : path.toAbsolutePath().normalize().toString();
    }

    /** The temporary overlay taking this device's writes, or null when it writes (or reads) the image itself. */
    TemporaryDisk temporary() {
        return temporary;
    }

    OpenFileStat openFile() {
        return stat;
    }

    synchronized DeviceInfo info() {
        return new DeviceInfo(unit, fileName, readOnly(), sectorSize(), sizeBytes(), leases.size(), temporary != null,
                snapshot, resolvedPath);
    }

    @Override
    public synchronized ClientLease connect(Runnable forcedClose) throws EngineException {
        if (state != State.ATTACHED) {
            throw new EngineException(ErrorCode.NOT_ATTACHED, unit + " is not attached (it is being detached)");
        }
        Lease lease = new Lease(forcedClose);
        leases.add(lease);
        events.accept(new DeviceEvent.ClientConnected(unit, leases.size()));
        return lease;
    }

    /**
     * Stops new connections and makes sure no client remains: without force, fails BUSY when there are clients;
     * with force, asks each client to close and waits up to {@code timeout} for them. On success the device
     * is DETACHED and the caller must flush and close its image.
     */
    void beginDetach(boolean force, Duration timeout) throws EngineException {
        List<Lease> toClose;
        synchronized (this) {
            if (state != State.ATTACHED) {
                throw new EngineException(ErrorCode.NOT_ATTACHED, unit + " is not attached (it is being detached)");
            }
            if (leases.isEmpty()) {
                state = State.DETACHED;
                return;
            }
            if (!force) {
                throw new EngineException(ErrorCode.BUSY, busyMessage(leases.size()));
            }
            state = State.DETACHING;
            toClose = new ArrayList<>(leases);
        }
        // outside the monitor: a client's callback may close its lease on this very thread
        toClose.forEach(Lease::requestClose);
        awaitNoClients(timeout);
    }

    private synchronized void awaitNoClients(Duration timeout) throws EngineException {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            while (!leases.isEmpty()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    state = State.ATTACHED;
                    throw new EngineException(ErrorCode.BUSY, leases.size() + " client(s) of " + unit
                            + " did not disconnect within " + timeout.toSeconds() + " s; " + unit
                            + " stays attached");
                }
                wait(Math.max(1, left / 1_000_000));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            state = State.ATTACHED;
            throw new EngineException(ErrorCode.IO, "interrupted while waiting for the clients of " + unit, e);
        }
        state = State.DETACHED;
    }

    /** Whether the device is attached and not being detached. */
    synchronized boolean attached() {
        return state == State.ATTACHED;
    }

    /** Undoes {@link #beginDetach} when the image could not be flushed: the device stays usable. */
    synchronized void abortDetach() {
        state = State.ATTACHED;
    }

    private String busyMessage(int clients) {
        return unit + ": device busy (" + clients + (clients == 1 ? " client" : " clients")
                + " connected); detach with force to disconnect " + (clients == 1 ? "it" : "them");
    }

    private synchronized void release(Lease lease) {
        if (leases.remove(lease)) {
            events.accept(new DeviceEvent.ClientDisconnected(unit, leases.size()));
            notifyAll();
        }
    }

    /** One client's hold on the device. */
    private final class Lease implements ClientLease {
        private final Runnable forcedClose;
        private final AtomicBoolean closeRequested = new AtomicBoolean();

        Lease(Runnable forcedClose) {
            this.forcedClose = forcedClose;
        }

        /** Asks the client to let go, at most once per lease. */
        void requestClose() {
            if (closeRequested.compareAndSet(false, true)) {
                try {
                    forcedClose.run();
                } catch (RuntimeException e) {
                    LOG.warn("a client of " + unit + " failed to handle its forced close", e);
                }
            }
        }

        @Override
        public void close() {
            release(this);
        }
    }
}
