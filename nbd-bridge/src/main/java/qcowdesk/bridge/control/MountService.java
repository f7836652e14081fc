package qcowdesk.bridge.control;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import qcowdesk.bridge.holders.BusyException;
import qcowdesk.bridge.holders.Holder;
import qcowdesk.bridge.holders.HolderFinder;
import qcowdesk.bridge.mount.MountInfo;
import qcowdesk.bridge.mount.MountRequest;
import qcowdesk.bridge.mount.MountTable;
import qcowdesk.bridge.mount.MountedFs;
import qcowdesk.bridge.mount.RouteKind;
import qcowdesk.bridge.owner.ExportServer;
import qcowdesk.engine.EngineException;
import qcowdesk.engine.ErrorCode;
import qcowdesk.engine.device.DeviceInfo;
import qcowdesk.engine.device.DeviceTable;
import qcowdesk.engine.device.TemporaryWrites;

/**
 * The owner's mount and detach operations on its devices: mount a device's filesystem, unmount it (and detach
 * a device that was attached only to be mounted), say what holds a device, and detach it, unmounting first when
 * asked or forced. The control socket and the app both go through here.
 */
public final class MountService {

    /** What an unmount did. */
    public record Unmounted(List<MountedFs> mounts, List<String> detached, List<String> notes) {
    }

    /** How long a detach after an unmount waits for the route's NBD connections to be seen closing. */
    private static final Duration RELEASE_WAIT = Duration.ofSeconds(5);

    private final DeviceTable table;
    private final ExportServer exports;
    private final MountTable mounts;
    /** Units that were attached for a mount: unmounting their last mount detaches them. */
    private final Set<String> attachedForMount = ConcurrentHashMap.newKeySet();

    public MountService(DeviceTable table, ExportServer exports, MountTable mounts) {
        this.table = table;
        this.exports = exports;
        this.mounts = mounts;
    }

    public MountTable table() {
        return mounts;
    }

    /**
     * Mounts a filesystem of {@code unit} on {@code dir}.
     *
     * @param partition        the partition number, 0 for the whole disk, {@link MountRequest#ONLY_PARTITION}
     * @param route            null for the best route the machine has
     * @param detachOnUnmount  the unit was attached for this mount: detach it after the unmount
     */
    public MountedFs mount(String unit, int partition, Path dir, boolean readOnly, String options, RouteKind route,
                           boolean detachOnUnmount) throws EngineException {
        DeviceInfo device = table.info(unit);
        Path socket = exports.unixSocket().orElseThrow(() -> new EngineException(ErrorCode.UNSUPPORTED,
                "this owner exports no Unix socket, which mounting needs"));
        MountedFs mounted = mounts.mount(new MountRequest(unit, socket, device.sectorSize(),
                readOnly || device.readOnly(), partition, dir, options), route);
        if (detachOnUnmount) {
            attachedForMount.add(unit);
        }
        return mounted;
    }

    /**
     * Unmounts {@code target}: a mount point, or a unit (all its mounts). A unit attached for its mount is
     * detached after its last unmount.
     */
    public Unmounted unmount(String target) throws EngineException {
        List<MountedFs> targets = targets(target);
        List<String> notes = new ArrayList<>();
        for (MountedFs mount : targets) {
            notes.addAll(mounts.unmount(mount.mountPoint(), false));
        }
        List<String> detached = new ArrayList<>();
        for (String unit : new LinkedHashSet<>(targets.stream().map(MountedFs::unit).toList())) {
            if (mounts.of(unit).isEmpty() && attachedForMount.remove(unit)) {
                detachReleased(unit);
                detached.add(unit);
            }
        }
        return new Unmounted(targets, detached, notes);
    }

    private List<MountedFs> targets(String target) throws EngineException {
        if (target.startsWith("/")) {
            Path dir = Path.of(target).normalize();
            List<MountedFs> found = mounts.list().stream().filter(m -> m.mountPoint().equals(dir)).toList();
            if (found.isEmpty()) {
                throw new EngineException(ErrorCode.NOT_ATTACHED, "nothing of QcowDesk is mounted on " + dir);
            }
            return found;
        }
        table.info(target); // NOT_ATTACHED for an unknown unit
        List<MountedFs> found = mounts.of(target);
        if (found.isEmpty()) {
            throw new EngineException(ErrorCode.NOT_ATTACHED, target + " is not mounted");
        }
        return found;
    }

    /** What holds {@code unit}: its NBD clients with their processes, and every mount of its block devices. */
    public List<Holder> holders(String unit) throws EngineException {
        table.info(unit);
        List<MountedFs> ours = mounts.of(unit);
        Set<Long> routePids = new HashSet<>();
        List<String> devices = new ArrayList<>();
        ours.forEach(m -> {
            routePids.addAll(m.helperPids());
            devices.addAll(m.blockDevices());
        });
        List<Holder> holders = new ArrayList<>();
        // every mount point of the device's partitions, including bind mounts and mounts made by hand
        for (MountInfo.Entry entry : MountInfo.mountsOf(devices)) {
            holders.add(new Holder.Mount(entry.mountPoint(), entry.source(), entry.fsType()));
        }
        holders.addAll(HolderFinder.clients(exports.clients(unit), routePids));
        return holders;
    }

    /**
     * Detaches {@code unit}. Without force or unmount, a device with holders is refused with a
     * {@link BusyException} naming them. With {@code unmountFirst}, its mounts are unmounted first (and the
     * detach still fails if other clients hold it). With {@code force}, its mounts are unmounted, lazily if they
     * are in use (the returned notes say so), then its clients are disconnected.
     */
    public List<String> detach(String unit, boolean force, boolean unmountFirst) throws EngineException {
        return detach(unit, force, unmountFirst, null);
    }

    /**
     * Detaches as above; a temporary device's writes end as {@code end} says (null: discarded), checked before
     * anything is unmounted or disconnected. The notes end with what became of them.
     */
    public List<String> detach(String unit, boolean force, boolean unmountFirst, TemporaryWrites end)
            throws EngineException {
        table.checkDetach(unit, end);
        List<String> notes = new ArrayList<>();
        if (!force) {
            List<Holder> holders = holders(unit);
            // connections whose process is gone are closing (an unmount just stopped nbdfuse): the detach
            // below waits for them instead of refusing
            boolean closing = holders.stream().allMatch(h -> h instanceof Holder.Client c && c.process().isEmpty());
            if (!closing) {
                // unmounting first is only worth it when the mounts are all that hold the device
                refuseIfHeld(unit, unmountFirst, holders);
            }
        }
        if (force || unmountFirst) {
            for (MountedFs mount : mounts.of(unit)) {
                notes.addAll(mounts.unmount(mount.mountPoint(), force));
            }
            attachedForMount.remove(unit);
        }
        String outcome = force ? table.detach(unit, true, end) : detachReleased(unit, end);
        if (outcome != null) {
            notes.add(outcome);
        }
        return notes;
    }

    /**
     * Detaches {@code unit} without force once the NBD connections of its unmounted routes are gone: nbdfuse
     * has exited, but the server may not have seen its sockets close yet. Still busy after that: the holders.
     */
    private void detachReleased(String unit) throws EngineException {
        detachReleased(unit, null);
    }

    private String detachReleased(String unit, TemporaryWrites end) throws EngineException {
        long deadline = System.nanoTime() + RELEASE_WAIT.toNanos();
        while (true) {
            try {
                return table.detach(unit, false, end);
            } catch (EngineException e) {
                if (e.code() != ErrorCode.BUSY || System.nanoTime() > deadline) {
                    if (e.code() == ErrorCode.BUSY) {
                        refuseIfHeld(unit, false, holders(unit));
                    }
                    throw e;
                }
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new EngineException(ErrorCode.IO, "interrupted while detaching " + unit, e);
            }
        }
    }

    /** Throws a {@link BusyException} naming the holders, unless there are none (or only mounts, when allowed). */
    private void refuseIfHeld(String unit, boolean mountsAllowed, List<Holder> holders) throws EngineException {
        boolean mountsOnly = holders.stream().allMatch(h -> h instanceof Holder.Mount
                || (h instanceof Holder.Client c && c.ofMount())) && !mounts.of(unit).isEmpty();
        if (holders.isEmpty() || (mountsOnly && mountsAllowed)) {
            return;
        }
        StringBuilder message = new StringBuilder(unit + ": device busy, held by:");
        holders.forEach(h -> message.append("\n  ").append(h.describe()));
        message.append(mountsOnly ? "\nunmount and detach with 'qcowctl detach -u " + unit + "'"
                : "\ndisconnect them, or detach with force ('qcowctl detach -f " + unit + "')");
        throw new BusyException(message.toString(), holders, mountsOnly);
    }
}
