package qcowdesk.app.lifecycle;

import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import qcowdesk.app.background.BackgroundTask;
import qcowdesk.app.devices.DeviceService;
import qcowdesk.app.background.Jobs;
import qcowdesk.app.background.Work;
import qcowdesk.app.inspect.Sizes;
import qcowdesk.app.library.ImageItem;
import qcowdesk.app.library.LibraryModel;
import qcowdesk.engine.VirtualDisk;
import qcowdesk.engine.qcow2.Qcow2Image;
import qcowdesk.engine.qcow2.ops.Compact;
import qcowdesk.engine.qcow2.ops.CompactResult;
import qcowdesk.engine.qcow2.ops.Compare;
import qcowdesk.engine.qcow2.ops.CompareResult;
import qcowdesk.engine.qcow2.ops.Differences;
import qcowdesk.app.map.MapModel;
import qcowdesk.engine.device.DeviceInfo;
import qcowdesk.engine.ErrorCode;
import javafx.application.Platform;
import java.util.ArrayList;
import java.util.List;
import qcowdesk.engine.qcow2.ops.Convert;
import qcowdesk.engine.qcow2.ops.ConvertRequest;
import qcowdesk.engine.qcow2.ops.DiskFormat;
import qcowdesk.engine.qcow2.ops.Exclusive;
import qcowdesk.engine.qcow2.ops.Inputs;
import qcowdesk.engine.qcow2.ops.InternalSnapshots;
import qcowdesk.engine.qcow2.ops.Space;
import qcowdesk.engine.qcow2.ops.SpaceReport;
import qcowdesk.engine.qcow2.tools.CreateOptions;
import qcowdesk.engine.qcow2.tools.ImageInfo;
import qcowdesk.engine.qcow2.tools.ProgressListener;
import qcowdesk.engine.EngineException;

import java.nio.file.Path;

/**
 * The "Space & operations" tab's model: where the selected image's space goes, its internal snapshots, and the
 * lifecycle operations on it (compact with a preview, convert, resize, compare; create, revert to and delete a
 * snapshot), one at a time, each a background job with progress that Cancel stops; a cancelled operation leaves
 * the image as it was (the engine builds results beside it, or a new metadata generation it has not switched to).
 */
public final class LifecycleModel {

    private final LibraryModel library;
    private final Jobs jobs;
    private final DeviceService devices;
    private final ReadOnlyObjectWrapper<ImageItem> image = new ReadOnlyObjectWrapper<>();
    private final ReadOnlyObjectWrapper<SpaceReport> space = new ReadOnlyObjectWrapper<>();
    private final ReadOnlyObjectWrapper<BackgroundTask<?>> operation = new ReadOnlyObjectWrapper<>();
    private final ReadOnlyBooleanWrapper busy = new ReadOnlyBooleanWrapper();
    private final ReadOnlyStringWrapper status = new ReadOnlyStringWrapper("");
    private final ReadOnlyObjectWrapper<MapModel.Outline> differences = new ReadOnlyObjectWrapper<>();
    private final ObservableList<ImageInfo.SnapshotInfo> snapshots = FXCollections.observableArrayList();
    private final ObservableList<ImageInfo.SnapshotInfo> snapshotsView =
            FXCollections.unmodifiableObservableList(snapshots);

    public LifecycleModel(LibraryModel library, Jobs jobs) {
        this(library, jobs, null);
    }

    /** {@code devices}: the device owner a snapshot of a read-write attached image goes through (null: none). */
    public LifecycleModel(LibraryModel library, Jobs jobs, DeviceService devices) {
        this.library = library;
        this.jobs = jobs;
        this.devices = devices;
        image.addListener((obs, old, now) -> {
            space.set(null);
            snapshots.clear();
            status.set("");
            refreshSpace();
        });
        image.bind(library.selectedProperty());
    }

    public ReadOnlyObjectProperty<ImageItem> imageProperty() {
        return image.getReadOnlyProperty();
    }

    /** The selected image's space breakdown; null while it is read or when nothing is selected. */
    public ReadOnlyObjectProperty<SpaceReport> spaceProperty() {
        return space.getReadOnlyProperty();
    }

    /** The running operation (for its progress), or null. */
    public ReadOnlyObjectProperty<BackgroundTask<?>> operationProperty() {
        return operation.getReadOnlyProperty();
    }

    public ReadOnlyBooleanProperty busyProperty() {
        return busy.getReadOnlyProperty();
    }

    /** What the last operation did, or why it failed, in words. */
    public ReadOnlyStringProperty statusProperty() {
        return status.getReadOnlyProperty();
    }

    /** The selected image's internal snapshots, as {@code qemu-img snapshot -l} lists them. */
    public ObservableList<ImageInfo.SnapshotInfo> snapshots() {
        return snapshotsView;
    }

    public void refreshSpace() {
        ImageItem item = image.get();
        if (item == null) {
            return;
        }
        jobs.submit("Reading the snapshots of " + item.name(), progress -> ImageInfo.of(item.path()).snapshots(),
                list -> {
                    if (item == image.get()) {
                        snapshots.setAll(list == null ? java.util.List.of() : list);
                    }
                }, failure -> status.set(failure.message()));
        jobs.submit("Reading the space of " + item.name(), progress -> Space.of(item.path(), listener(progress)),
                report -> {
                    if (item == image.get()) {
                        space.set(report);
                    }
                }, failure -> status.set(failure.message()));
    }

    /** Builds and verifies the compacted image, reports the saving, keeps nothing. */
    public void previewCompact() {
        run("Previewing compact", (path, progress) -> describe(Compact.run(path, true, listener(progress),
                progress::isCancelled), true));
    }

    public void compact() {
        run("Compacting", (path, progress) -> describe(Compact.run(path, false, listener(progress),
                progress::isCancelled), false));
    }

    /** Converts the image into a new qcow2 file, compressed when asked. */
    public void convert(Path destination, boolean compress) {
        run("Converting", (path, progress) -> {
            try (VirtualDisk source = Inputs.open(path, DiskFormat.QCOW2)) {
                ConvertRequest request = new ConvertRequest(DiskFormat.QCOW2,
                        CreateOptions.of(source.size()), compress, ConvertRequest.defaultThreads());
                Convert.run(source, null, destination, request, listener(progress), progress::isCancelled);
            }
            return "Converted to " + destination + (compress ? " (compressed)" : "");
        });
    }

    /** Resizes to a size typed by the user: bytes, or with a K, M, G or T suffix (1024-based). */
    public void resize(String typed, boolean allowShrink) {
        String t = typed.trim().toUpperCase(java.util.Locale.ROOT);
        int shift = t.isEmpty() ? 0 : switch (t.charAt(t.length() - 1)) {
            case 'K' -> 10;
            case 'M' -> 20;
            case 'G' -> 30;
            case 'T' -> 40;
            default -> 0;
        };
        try {
            resize(Long.parseLong(shift == 0 ? t : t.substring(0, t.length() - 1)) << shift, allowShrink);
        } catch (NumberFormatException e) {
            status.set("'" + typed + "' is not a size: type bytes, or a number with K, M, G or T");
        }
    }

    public void resize(long newSize, boolean allowShrink) {
        run("Resizing", (path, progress) -> {
            try {
                Qcow2Image.resize(path, newSize, allowShrink);
            } catch (EngineException e) {
                throw Exclusive.explain(e, path);
            }
            return "Resized to " + Sizes.human(newSize)
                    + ". Grow the partition and the file system inside the disk too: only the disk changed.";
        });
    }

    /**
     * Compares with {@code other} as qemu-img compare does; when they differ, also finds every cluster that
     * differs and offers them to the allocation map ({@link #differencesProperty()}).
     */
    public void compare(Path other) {
        run("Comparing", (path, progress) -> {
            try (VirtualDisk a = Inputs.open(path, null); VirtualDisk b = Inputs.open(other, null)) {
                CompareResult r = Compare.of(a, b, false, listener(progress), progress::isCancelled);
                if (r.identical()) {
                    Platform.runLater(() -> differences.set(new MapModel.Outline(List.of(), "", path)));
                    return "Images are identical." + (r.sizeMismatch() ? " (sizes differ)" : "");
                }
                Differences d = Compare.differences(a, b, a.clusterSize(), listener(progress), progress::isCancelled);
                String caption = String.format("Outlined: %,d clusters of %s that differ from %s%s", d.clusters(),
                        Sizes.human(d.clusterSize()), other.getFileName(), d.truncated() ? " (the first "
                        + d.ranges().size() + " runs of them)" : "");
                List<long[]> ranges = d.ranges().stream().map(range -> new long[] {range.start(), range.end()})
                        .toList();
                Platform.runLater(() -> differences.set(new MapModel.Outline(ranges, caption, path)));
                return "Content mismatch at offset " + r.mismatchOffset() + String.format("; %,d clusters differ, "
                        + "outlined on the allocation map.", d.clusters());
            }
        });
    }

    /** Where the image differs from the one it was last compared with, for the map; null before any compare. */
    public ReadOnlyObjectProperty<MapModel.Outline> differencesProperty() {
        return differences.getReadOnlyProperty();
    }

    /** Creates internal snapshot {@code name} of the disk as it is now. */
    public void createSnapshot(String name) {
        ImageItem item = image.get();
        if (item != null && !item.attachedAs().isEmpty() && devices != null) {
            // attached: only a read-write device can take it, through its owner (quiesced, flushed, carrying on)
            String units = item.attachedAs();
            // the library joins the units with ", ": matched whole, so qcow1 is not taken for qcow10
            List<String> unitList = List.of(units.split(", "));
            run("Creating snapshot " + name, (path, progress) -> {
                DeviceInfo writer = devices.list().stream()
                        .filter(d -> unitList.contains(d.unit()) && !d.readOnly() && !d.temporary())
                        .findFirst().orElseThrow(() -> new EngineException(ErrorCode.IN_USE, item.name()
                                + " is in use (attached as " + units + ", not read-write); detach it first."));
                devices.snapshot(writer.unit(), name);
                return "Created snapshot '" + name + "' of " + writer.unit() + " while attached (its clients carried "
                        + "on).";
            });
            return;
        }
        if (refusedWhileAttached()) {
            return;
        }
        run("Creating snapshot " + name, (path, progress) -> {
            List<String> notes = new ArrayList<>();
            InternalSnapshots.create(path, name, listener(progress), progress::isCancelled, notes::add);
            return withNotes("Created snapshot '" + name + "'.", notes);
        });
    }

    /** Reverts the disk to the snapshot (its id, which qemu-img looks up first); the current state is discarded. */
    public void revertToSnapshot(ImageInfo.SnapshotInfo snapshot) {
        if (refusedWhileAttached()) {
            return;
        }
        run("Reverting to snapshot " + snapshot.name(), (path, progress) -> {
            List<String> notes = new ArrayList<>();
            InternalSnapshots.apply(path, snapshot.id(), listener(progress), progress::isCancelled, notes::add);
            return withNotes("Reverted to snapshot '" + snapshot.name() + "'; the state before it was discarded.",
                    notes);
        });
    }

    /** Deletes the snapshot; what only it held becomes free space. */
    public void deleteSnapshot(ImageInfo.SnapshotInfo snapshot) {
        if (refusedWhileAttached()) {
            return;
        }
        run("Deleting snapshot " + snapshot.name(), (path, progress) -> {
            List<String> notes = new ArrayList<>();
            InternalSnapshots.deleteById(path, snapshot.id(), listener(progress), progress::isCancelled, notes::add);
            return withNotes("Deleted snapshot '" + snapshot.name() + "'.", notes);
        });
    }

    /**
     * Says so and returns true when the image is attached: its device keeps the image's metadata cached, and a
     * read-only device holds no write lock that would refuse the change (a read-write one does).
     */
    private boolean refusedWhileAttached() {
        ImageItem item = image.get();
        if (item != null && !item.attachedAs().isEmpty()) {
            status.set(item.name() + " is in use (attached as " + item.attachedAs() + "); detach it first.");
            return true;
        }
        return false;
    }

    /** The outcome, after what was done first (a dirty image repaired), so the user reads both. */
    private static String withNotes(String outcome, List<String> notes) {
        return notes.isEmpty() ? outcome : String.join(" ", notes) + ". " + outcome;
    }

    /** Stops the running operation; whatever it was building is discarded, the image stays as it was. */
    public void cancel() {
        BackgroundTask<?> task = operation.get();
        if (task != null) {
            task.cancel();
            finish("Cancelled; the image was left as it was.");
            refreshSpace();
        }
    }

    @FunctionalInterface
    private interface Operation {
        String run(Path image, Work.Progress progress) throws Exception;
    }

    private void run(String title, Operation op) {
        ImageItem item = image.get();
        if (item == null || busy.get()) {
            return;
        }
        busy.set(true);
        status.set(title + "…");
        Path path = item.path();
        operation.set(jobs.submit(title + " " + item.name(), progress -> op.run(path, progress), done -> {
            finish(done);
            library.refresh(item);
            refreshSpace();
        }, failure -> finish(failure.message())));
    }

    private void finish(String message) {
        busy.set(false);
        operation.set(null);
        status.set(message);
    }

    private static String describe(CompactResult r, boolean preview) {
        return (preview ? "Compacting would take the file from " : "Compacted: the file went from ")
                + Sizes.human(r.oldFileSize()) + " to " + Sizes.human(r.newFileSize()) + " ("
                + (preview ? "saving " : "saved ") + Sizes.human(Math.max(0, r.saved())) + "); "
                + r.zeroDataClusters() + " data clusters held only zeros.";
    }

    private static ProgressListener listener(Work.Progress progress) {
        return (phase, done, total) -> progress.update(done, total);
    }

}
