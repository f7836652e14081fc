package qcowdesk.app.library;

import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import qcowdesk.app.image.ImageFacts;
import qcowdesk.app.image.ImageTools;
import qcowdesk.app.background.Jobs;
import qcowdesk.app.background.SerialQueue;
import qcowdesk.engine.EngineException;
import qcowdesk.engine.ErrorCode;
import qcowdesk.engine.device.DeviceInfo;


import java.nio.file.Files;
import java.time.Duration;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * The image library: images the user opened or created, remembered in {@link LibraryStore}. Reading an image's
 * facts runs as a job; a file that is missing or unreadable stays in the list, marked as such.
 * Methods are called on the FX thread.
 */
public final class LibraryModel implements AutoCloseable {

    private final ImageTools tools;
    private final LibraryStore store;
    private final Jobs jobs;
    private final ObservableList<ImageItem> images = FXCollections.observableArrayList();
    private final ObjectProperty<ImageItem> selected = new SimpleObjectProperty<>();
    private List<DeviceInfo> lastDevices = List.of();
    /** Files to open once the library is loaded (FX thread only, like the list). */
    private final List<Path> pendingOpen = new ArrayList<>();
    private boolean loaded;
    private Map<String, FileId> lastFileIds = Map.of();
    /** Saves one at a time, in the order the list changed, on the app's executor (synchronous in tests). */
    private final SerialQueue saver;

    public LibraryModel(ImageTools tools, LibraryStore store, Jobs jobs) {
        this.tools = tools;
        this.store = store;
        this.jobs = jobs;
        this.saver = jobs.executor().serialQueue();
    }

    /** Where the library and the user's consents to external files are kept. */
    public LibraryStore store() {
        return store;
    }

    public ObservableList<ImageItem> images() {
        return images;
    }

    public ObjectProperty<ImageItem> selectedProperty() {
        return selected;
    }

    public ImageItem selected() {
        return selected.get();
    }

    /** Reads the remembered library, then each image's facts; then opens what {@link #open} was given meanwhile. */
    public void load() {
        jobs.submit("Loading the image library", progress -> store.load(), paths -> {
            paths.stream().map(this::normalize).distinct().forEach(path -> images.add(new ImageItem(path)));
            images.forEach(this::refresh);
            loaded();
        }, failure -> {
            loaded();
            jobs.report("Loading the image library", failure.error());
            saver.execute(() -> {
                try {
                    store.keepBrokenCopy();
                } catch (Exception e) {
                    jobs.report("Keeping a copy of the broken library", e);
                }
            });
        });
    }

    /**
     * Adds the files the app was asked to open (command line, a file manager, a second launch) and selects the
     * first. Before the remembered library is loaded they wait: adding (and saving) earlier would overwrite it.
     */
    public void open(List<Path> files) {
        if (!loaded) {
            pendingOpen.addAll(files);
            return;
        }
        ImageItem first = null;
        for (Path file : files) {
            ImageItem item = add(file);
            first = first == null ? item : first;
        }
        if (first != null) {
            selected.set(first);
        }
    }

    private void loaded() {
        loaded = true;
        List<Path> waiting = List.copyOf(pendingOpen);
        pendingOpen.clear();
        open(waiting);
    }

    /** Adds an image (or selects it when already listed) and reads its facts. */
    public ImageItem add(Path file) {
        Path path = normalize(file);
        Optional<ImageItem> existing = find(path);
        if (existing.isPresent()) {
            selected.set(existing.get());
            return existing.get();
        }
        ImageItem item = new ImageItem(path);
        images.add(item);
        selected.set(item);
        save();
        refresh(item);
        return item;
    }

    /** Removes an entry from the library; the file itself is left alone. */
    public void remove(ImageItem item) {
        images.remove(item);
        if (selected.get() == item) {
            selected.set(null);
        }
        save();
    }

    /** Re-reads an image's facts (after a check, a repair, or writes through a device). */
    public void refresh(ImageItem item) {
        item.loading();
        jobs.submit("Reading " + item.name(), progress -> Files.exists(item.path())
                        ? Optional.of(new Read(tools.inspect(item.path()), FileId.of(item.path()))) : Optional.<Read>empty(),
                read -> {
                    read.ifPresentOrElse(found -> item.read(found.facts(), found.id()),
                            () -> item.failed(ImageState.MISSING, "The file " + item.path() + " does not exist"));
                    showAttachments(lastDevices, lastFileIds);
                },
                failure -> item.failed(ImageState.UNREADABLE, failure.message()));
    }

    /**
     * Marks each image with the units it is attached as: a device is this image when its open file is this file
     * (same device and inode), or, while that is not known yet, when its file name is this absolute path.
     */
    public void showAttachments(List<DeviceInfo> devices, Map<String, FileId> fileIds) {
        List<DeviceInfo> before = lastDevices;
        Map<String, FileId> idsBefore = lastFileIds;
        lastDevices = List.copyOf(devices);
        lastFileIds = Map.copyOf(fileIds);
        for (ImageItem item : List.copyOf(images)) {
            List<DeviceInfo> rows = devicesOf(item, devices, fileIds);
            item.attachedAs(rows.stream().map(DeviceInfo::unit).collect(Collectors.joining(", ")));
            // the owner said something about this image's devices (a detach, clients gone): its sizes moved on
            if (item.state() == ImageState.READY && !rows.equals(devicesOf(item, before, idsBefore))) {
                refresh(item);
            }
        }
        for (DeviceInfo device : devices) {
            Path named = device.location();
            FileId id = fileIds.get(device.unit());
            boolean known = images.stream().anyMatch(item -> isFileOf(device, id, item));
            if (!known && named.isAbsolute() && id != null && find(named).isEmpty()) {
                addFromOwner(named);
            }
        }
    }

    /** Marks the images whose attached file lost its name, with what happened ({@code lost}: by unit). */
    public void showLostFiles(Map<String, String> lost) {
        for (ImageItem item : images) {
            item.lostFile(devicesOf(item, lastDevices, lastFileIds).stream().map(device -> lost.get(device.unit()))
                    .filter(java.util.Objects::nonNull).findFirst().orElse(""));
        }
    }

    private static List<DeviceInfo> devicesOf(ImageItem item, List<DeviceInfo> devices, Map<String, FileId> fileIds) {
        return devices.stream().filter(device -> isFileOf(device, fileIds.get(device.unit()), item)).toList();
    }

    /** An image attached by another front end (qcowctl): listed, marked as such, without taking the selection. */
    private void addFromOwner(Path file) {
        ImageItem item = new ImageItem(normalize(file));
        item.addedByOwner();
        images.add(item);
        save();
        refresh(item);
    }

    private static boolean isFileOf(DeviceInfo device, FileId deviceFile, ImageItem item) {
        if (deviceFile != null && item.fileId() != null) {
            return deviceFile.equals(item.fileId());
        }
        Path named = device.location();
        return named.isAbsolute() && named.normalize().equals(item.path());
    }

    public Optional<ImageItem> find(Path file) {
        Path path = normalize(file);
        return images.stream().filter(item -> item.path().equals(path)).findFirst();
    }

    /** Waits for pending saves; the library file is complete when this returns. */
    @Override
    public void close() {
        try {
            saver.finish(Duration.ofSeconds(10)); // the last save must reach the file before the app exits
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void save() {
        List<Path> snapshot = images.stream().map(ImageItem::path).toList();
        saver.execute(() -> {
            try {
                store.save(snapshot);
            } catch (Exception e) {
                jobs.report("Saving the image library to " + store.file(), e);
            }
        });
    }

    private record Read(ImageFacts facts, FileId id) {
    }

    private Path normalize(Path path) {
        return path.toAbsolutePath().normalize();
    }
}
