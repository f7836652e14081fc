package qcowdesk.app.devices;

import javafx.application.Platform;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleObjectProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.collections.ObservableMap;
import qcowdesk.app.library.FileId;
import qcowdesk.app.background.Jobs;
import qcowdesk.app.background.SerialQueue;
import qcowdesk.bridge.mount.MountedFs;
import qcowdesk.engine.EngineException;
import qcowdesk.engine.ErrorCode;
import qcowdesk.engine.device.AttachRequest;
import qcowdesk.engine.device.DeviceInfo;
import qcowdesk.engine.device.FileStat;
import qcowdesk.engine.device.UnitNames;


import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * The devices table's model. The device table may also be changed by another front end (qcowctl talking to
 * the same owner) and client counts change as clients come and go, so the list is read again on every event of
 * the device table (and once a second in case an event was missed), not only after our own actions.
 * Methods are called on the FX thread.
 */
public final class DevicesModel implements AutoCloseable {

    /** A safety net only: changes are normally announced by the device table's events. */
    static final long POLL_MILLIS = 1000;

    private final DeviceService service;
    private final Jobs jobs;
    private final ObservableList<DeviceInfo> devices = FXCollections.observableArrayList();
    private final ObservableMap<String, FileId> fileIds = FXCollections.observableHashMap();
    /** Touched by polls only (one at a time): the open files' identities never change while a unit stays attached. */
    private final Map<String, FileId> knownFileIds = new HashMap<>();
    private final ObservableList<MountedFs> mounts = FXCollections.observableArrayList();
    private final ObjectProperty<DeviceInfo> selected = new SimpleObjectProperty<>();
    private final ReadOnlyStringWrapper pollProblem = new ReadOnlyStringWrapper("");
    private final ObservableMap<String, String> lostFiles = FXCollections.observableHashMap();
    private final ObservableMap<String, String> repairs = FXCollections.observableHashMap();
    private final ReadOnlyStringWrapper ownerLost = new ReadOnlyStringWrapper("");
    private final ReadOnlyStringWrapper ownerNotice = new ReadOnlyStringWrapper("");
    /** The polls, one at a time and in order, on the app's executor (synchronous in tests). */
    private final SerialQueue polls;

    private AutoCloseable watch;
    private AutoCloseable notices = () -> { };

    public DevicesModel(DeviceService service, Jobs jobs) {
        this.service = service;
        this.jobs = jobs;
        this.polls = jobs.executor().serialQueue();
    }

    /** Starts watching the device table. */
    public void start() {
        try {
            watch = service.watch(this::refreshNow, repaired -> Platform.runLater(() -> {
                repairs.put(repaired.unit(), repaired.message());
                ownerNotice.set(LocalTime.now().truncatedTo(ChronoUnit.SECONDS) + " " + repaired.unit() + ": "
                        + repaired.message());
            }));
        } catch (EngineException e) {
            pollProblem.set("Not following device changes: " + e.getMessage());
        }
        notices = service.onNotice(notice -> Platform.runLater(() -> {
            ownerNotice.set(LocalTime.now().truncatedTo(ChronoUnit.SECONDS) + " " + notice);
            refreshNow();
        }));
        polls.repeat(Duration.ofMillis(POLL_MILLIS), this::poll);
    }

    public DeviceService service() {
        return service;
    }

    public ObservableList<DeviceInfo> devices() {
        return devices;
    }

    /** The identity of each device's open file, by unit (for matching devices to library images). */
    public ObservableMap<String, FileId> fileIds() {
        return fileIds;
    }

    /** The filesystems of the devices mounted on this machine, as the owner's mount table has them. */
    public ObservableList<MountedFs> mounts() {
        return mounts;
    }

    /** The mounts of {@code unit}. */
    public List<MountedFs> mountsOf(String unit) {
        return mounts.stream().filter(m -> m.unit().equals(unit)).toList();
    }

    public ObjectProperty<DeviceInfo> selectedProperty() {
        return selected;
    }

    /**
     * Devices whose open file lost its name (deleted, or its path now names another file), by unit, with what
     * happened in words: everything written to them is lost at detach unless a copy is saved first.
     */
    public ObservableMap<String, String> lostFiles() {
        return lostFiles;
    }

    /**
     * What the owner repaired when it attached a device (an image left dirty by a crashed writer: refcounts
     * rebuilt), by unit, in the owner's words; kept until the device is detached.
     */
    public ObservableMap<String, String> repairs() {
        return repairs;
    }

    /** Why the owner in another process is gone (it exited: its devices with it); empty while it answers. */
    public ReadOnlyStringProperty ownerLostProperty() {
        return ownerLost.getReadOnlyProperty();
    }

    /** The last thing the owner did by itself that the user should know (e.g. sockets re-created); empty if none. */
    public ReadOnlyStringProperty ownerNoticeProperty() {
        return ownerNotice.getReadOnlyProperty();
    }

    /** Why the last look at the device table failed (e.g. the daemon went away); empty when it worked. */
    public ReadOnlyStringProperty pollProblemProperty() {
        return pollProblem.getReadOnlyProperty();
    }

    public NbdAddress address(DeviceInfo device) {
        return new NbdAddress(service.nbdSocket(), device.unit());
    }

    /** The lowest unit name not in use, e.g. qcow0. */
    public String nextFreeUnit() {
        return UnitNames.nextFree(devices.stream().map(DeviceInfo::unit).collect(Collectors.toSet()));
    }

    public void attach(AttachRequest request, Consumer<DeviceInfo> onAttached, Consumer<Jobs.Failure> onFailure) {
        jobs.submit("Attaching " + request.fileName(), progress -> service.attach(request), device -> {
            refreshNow();
            onAttached.accept(device);
        }, onFailure);
    }

    /** Looks at the device table now instead of at the next tick. */
    public void refreshNow() {
        polls.execute(this::poll);
    }

    @Override
    public void close() {
        try {
            notices.close();
        } catch (Exception e) {
            // only stops the notices
        }
        if (watch != null) {
            try {
                watch.close();
            } catch (Exception e) {
                pollProblem.set("Stopping the device watch: " + e.getMessage());
            }
        }
        polls.close();
    }

    private void poll() {
        try {
            List<DeviceInfo> current = service.list();
            Map<String, FileId> ids = identify(current);
            List<MountedFs> mounted = service.mounts();
            Map<String, String> lost = lostFiles(current);
            Platform.runLater(() -> {
                ownerLost.set("");
                show(current, ids);
                if (!lostFiles.equals(lost)) {
                    lostFiles.keySet().retainAll(lost.keySet());
                    lostFiles.putAll(lost);
                }
                if (!mounts.equals(mounted)) {
                    mounts.setAll(mounted);
                }
            });
        } catch (EngineException | RuntimeException e) {
            String message = e.getMessage() == null ? e.toString() : e.getMessage();
            boolean gone = service instanceof RemoteDeviceService && e instanceof EngineException engine && engine.code() == ErrorCode.IO;
            Platform.runLater(() -> {
                pollProblem.set(message);
                if (gone) {
                    // the owner's devices went with it: showing them would promise what no one serves
                    ownerLost.set(message);
                    devices.clear();
                    fileIds.clear();
                    lostFiles.clear();
                    selected.set(null);
                }
            });
        }
    }

    /**
     * Looks at every device's open file: no links left means it was deleted; a path (absolute, as given at
     * attach) that now names another file, or nothing, means it was renamed over or moved away.
     */
    private Map<String, String> lostFiles(List<DeviceInfo> current) throws EngineException {
        Map<String, String> lost = new HashMap<>();
        for (DeviceInfo device : current) {
            FileStat stat;
            try {
                stat = service.stat(device.unit());
            } catch (EngineException e) {
                if (e.code() == ErrorCode.NOT_ATTACHED) {
                    continue;
                }
                throw e;
            }
            Path named = device.location();
            FileId now = named.isAbsolute() ? idOf(named) : null;
            if (now != null && !now.equals(FileId.of(stat))) {
                lost.put(device.unit(), "The path " + device.fileName() + " no longer names the attached file"
                        + " (another file was renamed over it)");
            } else if (stat.nlink() == 0) {
                lost.put(device.unit(), "The file " + device.fileName() + " was deleted while attached");
            } else if (named.isAbsolute() && now == null) {
                lost.put(device.unit(), "The path " + device.fileName() + " no longer names the attached file"
                        + " (it was moved)");
            }
        }
        return lost;
    }

    private static FileId idOf(Path path) {
        try {
            return FileId.of(path);
        } catch (IOException e) {
            return null;
        }
    }

    /** Stats the open file of units not seen before; a unit detached meanwhile is simply left out. */
    private Map<String, FileId> identify(List<DeviceInfo> current) throws EngineException {
        Set<String> units = current.stream().map(DeviceInfo::unit).collect(Collectors.toSet());
        knownFileIds.keySet().retainAll(units);
        for (DeviceInfo device : current) {
            if (!knownFileIds.containsKey(device.unit())) {
                try {
                    knownFileIds.put(device.unit(), FileId.of(service.stat(device.unit())));
                } catch (EngineException e) {
                    if (e.code() != ErrorCode.NOT_ATTACHED) {
                        throw e;
                    }
                    // detached between list and stat: the next look no longer lists it
                }
            }
        }
        return Map.copyOf(knownFileIds);
    }

    private void show(List<DeviceInfo> current, Map<String, FileId> ids) {
        pollProblem.set("");
        if (!fileIds.equals(ids)) {
            fileIds.keySet().retainAll(ids.keySet());
            fileIds.putAll(ids);
        }
        if (devices.equals(current)) {
            return;
        }
        String selectedUnit = selected.get() == null ? null : selected.get().unit();
        // A repair is forgotten once its device is gone; a unit not listed yet keeps it (the event may come first).
        Set<String> now = current.stream().map(DeviceInfo::unit).collect(Collectors.toSet());
        devices.stream().map(DeviceInfo::unit).filter(unit -> !now.contains(unit)).toList()
                .forEach(repairs::remove);
        devices.setAll(current);
        selected.set(current.stream().filter(row -> row.unit().equals(selectedUnit)).findFirst().orElse(null));
    }
}
