package qcowdesk.bridge.mount;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import qcowdesk.engine.EngineException;
import qcowdesk.engine.ErrorCode;
import qcowdesk.engine.device.Subscription;
import qcowdesk.engine.support.Log;

/**
 * The mounts an owner has made, so that they outlive the {@code qcowctl} that asked for them, the app can show
 * them, and detach knows them. Routes run outside the table's lock (they take seconds); the mount point and
 * the unit are reserved meanwhile so that two requests cannot race for them.
 */
public final class MountTable implements AutoCloseable {

    private static final Log LOG = Log.of(MountTable.class);

    private final RouteChooser routes;
    private final Map<Path, ActiveMount> mounts = new LinkedHashMap<>();
    private final Set<Path> reserved = new HashSet<>();
    private final List<Consumer<MountEvent>> listeners = new CopyOnWriteArrayList<>();

    public MountTable(RouteChooser routes) {
        this.routes = routes;
    }

    public RouteChooser routes() {
        return routes;
    }

    /** Mounts by {@code route} (null: the best the machine has). */
    public MountedFs mount(MountRequest request, RouteKind route) throws EngineException {
        Path key = request.mountPoint() == null ? null : request.mountPoint().toAbsolutePath().normalize();
        synchronized (this) {
            if (key != null && (mounts.containsKey(key) || !reserved.add(key))) {
                throw new EngineException(ErrorCode.IN_USE, "mount point " + key + " is in use by a mount of "
                        + (mounts.containsKey(key) ? mounts.get(key).info().unit() : "another device being set up"));
            }
        }
        try {
            ActiveMount mount = routes.route(route).mount(request);
            synchronized (this) {
                mounts.put(mount.info().mountPoint(), mount);
            }
            publish(new MountEvent(true, mount.info()));
            return mount.info();
        } finally {
            synchronized (this) {
                if (key != null) {
                    reserved.remove(key);
                }
            }
        }
    }

    /**
     * Unmounts what is mounted on {@code mountPoint}, undoing its route; lazily if {@code lazy} and it is in use.
     * Returns notes for the user (e.g. that the unmount was lazy).
     */
    public List<String> unmount(Path mountPoint, boolean lazy) throws EngineException {
        Path key = mountPoint.toAbsolutePath().normalize();
        ActiveMount mount;
        synchronized (this) {
            mount = mounts.get(key);
            if (mount == null || !reserved.add(key)) {
                throw new EngineException(ErrorCode.NOT_ATTACHED, "nothing of QcowDesk is mounted on " + key
                        + (mount == null ? "" : " (it is being unmounted)"));
            }
        }
        try {
            List<String> notes = mount.unmount(lazy);
            synchronized (this) {
                mounts.remove(key);
            }
            publish(new MountEvent(false, mount.info()));
            return notes;
        } finally {
            synchronized (this) {
                reserved.remove(key);
            }
        }
    }

    /** Unmounts every mount of {@code unit}; the first failure stops and is thrown. */
    public List<String> unmountAll(String unit, boolean lazy) throws EngineException {
        List<String> notes = new ArrayList<>();
        for (MountedFs mount : of(unit)) {
            notes.addAll(unmount(mount.mountPoint(), lazy));
        }
        return notes;
    }

    public synchronized List<MountedFs> list() {
        return mounts.values().stream().map(ActiveMount::info).toList();
    }

    public synchronized List<MountedFs> of(String unit) {
        return mounts.values().stream().map(ActiveMount::info).filter(m -> m.unit().equals(unit)).toList();
    }

    /** Listeners run on the thread that mounted or unmounted; they must be quick. */
    public Subscription subscribe(Consumer<MountEvent> listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    private void publish(MountEvent event) {
        for (Consumer<MountEvent> listener : listeners) {
            try {
                listener.accept(event);
            } catch (RuntimeException e) {
                LOG.warn("a mount listener failed", e);
            }
        }
    }

    /** Unmounts everything (lazily where in use), so that no route outlives its owner. */
    @Override
    public void close() {
        for (MountedFs mount : list()) {
            try {
                unmount(mount.mountPoint(), true);
            } catch (EngineException e) {
                LOG.warn("cannot unmount " + mount.mountPoint() + " on shutdown: " + e.getMessage());
            }
        }
    }
}
