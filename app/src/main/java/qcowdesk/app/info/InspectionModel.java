package qcowdesk.app.info;

import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.value.ChangeListener;
import qcowdesk.app.devices.DeviceService;
import qcowdesk.app.image.ImageTools;
import qcowdesk.app.inspect.InspectedImage;
import qcowdesk.app.library.ImageItem;
import qcowdesk.app.library.ImageState;
import qcowdesk.app.library.LibraryModel;
import qcowdesk.app.background.Jobs;
import qcowdesk.engine.VirtualDisk;
import qcowdesk.engine.device.DeviceInfo;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Which image the inspection panes (map, hex, growth) look at: the selected library image, through its device's
 * disk while it is attached, whoever owns it (so the panes see clients' writes live), otherwise opened read-only for the
 * time it is shown. The panes are told to let go of a disk before it is closed. Called on the FX thread.
 */
public final class InspectionModel implements AutoCloseable {

    private final DeviceService devices;
    private final ImageTools tools;
    private final Jobs jobs;
    private final ReadOnlyObjectWrapper<InspectedImage> shown = new ReadOnlyObjectWrapper<>();
    private final ReadOnlyStringWrapper problem = new ReadOnlyStringWrapper("");
    private final ChangeListener<Object> itemChanged;
    private ImageItem item;
    private VirtualDisk shownDisk;
    private long generation;

    public InspectionModel(LibraryModel library, DeviceService devices, ImageTools tools, Jobs jobs) {
        this.devices = devices;
        this.tools = tools;
        this.jobs = jobs;
        itemChanged = (observable, old, now) -> reopen();
        library.selectedProperty().addListener((observable, old, now) -> {
            if (old != null) {
                old.stateProperty().removeListener(itemChanged);
                old.attachedAsProperty().removeListener(itemChanged);
            }
            item = now;
            if (now != null) {
                now.stateProperty().addListener(itemChanged);
                now.attachedAsProperty().addListener(itemChanged);
            }
            reopen();
        });
    }

    /** The image the panes show, or null. */
    public ReadOnlyObjectProperty<InspectedImage> shownProperty() {
        return shown.getReadOnlyProperty();
    }

    /** Why the selected image cannot be shown; empty when it can (or nothing is selected). */
    public ReadOnlyStringProperty problemProperty() {
        return problem.getReadOnlyProperty();
    }

    @Override
    public void close() {
        generation++;
        shown.set(null);
        closeShownDisk();
    }

    private void reopen() {
        long mine = ++generation;
        shown.set(null); // panes clear themselves before the disk they used is closed
        closeShownDisk();
        problem.set("");
        ImageItem target = item;
        if (target == null || target.state() != ImageState.READY) {
            return;
        }
        List<String> units = Arrays.stream(target.attachedAs().split(",")).map(String::strip)
                .filter(unit -> !unit.isEmpty()).toList();
        jobs.submit("Opening " + target.name() + " for inspection", progress -> {
            // a device presenting an internal snapshot is not the image as it is now: never shown as the image
            Optional<DeviceInfo> device = units.isEmpty() ? Optional.empty() : devices.list().stream()
                    .filter(d -> units.contains(d.unit()) && d.snapshot() == null).findFirst();
            Optional<VirtualDisk> live = device.isEmpty() ? Optional.empty() : devices.liveDisk(device.get().unit());
            if (live.isPresent()) {
                return new InspectedImage(device.get().unit() + " (" + target.name() + ")", target.path(), live.get(),
                        device.get().sectorSize(), true);
            }
            return InspectedImage.offline(target.name(), target.path(), tools.openReadOnly(target.path()));
        }, opened -> {
            // every disk opened here is closed here (closing a device's own disk does nothing)
            if (mine != generation) {
                closeInBackground(opened.disk());
                return;
            }
            shownDisk = opened.disk();
            shown.set(opened);
        }, failure -> {
            if (mine == generation) {
                problem.set("Cannot inspect " + target.name() + ": " + failure.message());
            }
        });
    }

    private void closeShownDisk() {
        if (shownDisk != null) {
            closeInBackground(shownDisk);
            shownDisk = null;
        }
    }

    private void closeInBackground(VirtualDisk disk) {
        jobs.submit("Closing an inspected image", progress -> {
            disk.close();
            return disk;
        }, closed -> { });
    }

}
