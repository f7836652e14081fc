package qcowdesk.app.attach;

import javafx.beans.binding.Bindings;
import javafx.beans.binding.StringBinding;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import qcowdesk.app.inspect.Sizes;
import qcowdesk.app.devices.DevicesModel;
import qcowdesk.app.image.ImageFacts;
import qcowdesk.app.image.ImageTools;
import qcowdesk.app.library.FileId;
import qcowdesk.app.background.Jobs;
import qcowdesk.engine.device.AttachRequest;
import qcowdesk.engine.VirtualDisk;
import qcowdesk.engine.contents.io.ByteSource;
import qcowdesk.engine.contents.partition.PartitionScanner;
import qcowdesk.engine.contents.partition.PartitionTable;
import qcowdesk.engine.contents.partition.SectorSizeWarning;
import qcowdesk.engine.device.DeviceInfo;
import qcowdesk.engine.qcow2.ChainFile;
import qcowdesk.engine.qcow2.ImageChain;
import qcowdesk.engine.qcow2.tools.ImageInfo;
import qcowdesk.engine.EngineException;
import qcowdesk.app.library.ExternalFileConsent;
import qcowdesk.app.library.LibraryStore;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The attach dialog's model: which image, which unit, read-only or not, which sector size, and the device size
 * that results. Read-only is forced (and the reason given) when the file cannot be written or the image is marked
 * corrupt. Engine errors stay in the dialog, with the engine's exact message. Methods are called on the FX thread.
 */
public final class AttachModel {

    public static final List<Integer> SECTOR_SIZES = List.of(512, 1024, 2048, 4096);

    /**
     * The chosen image as read in the background: its facts, whether the file may be written, which file it is,
     * every file it opens, and (by device and inode) those that need the user's consent and whether it was given
     * before.
     */
    public record ImageChoice(Path path, ImageFacts facts, boolean writable, FileId id, List<ChainFile> chain,
                              Set<FileId> needingConsent, boolean consented, List<SnapshotChoice> snapshots) {

        static ImageChoice read(Path path, ImageFacts facts, LibraryStore store) throws IOException {
            List<ChainFile> chain = ImageChain.describe(path);
            Set<FileId> needing = new HashSet<>();
            for (ChainFile file : chain) {
                if (file.needsConsent() && file.exists()) {
                    needing.add(FileId.of(file.path()));
                }
            }
            FileId id = FileId.of(path);
            return new ImageChoice(path, facts, Files.isWritable(path), id, chain, needing,
                    !needing.isEmpty() && store.allows(id, needing), SnapshotChoice.of(path));
        }
    }

    /**
     * What the device presents: the image's current state ({@code name} null) or one of its internal snapshots,
     * which is attached read-only.
     */
    public record SnapshotChoice(String name, String label) {

        public static final SnapshotChoice CURRENT = new SnapshotChoice(null, "Current state");

        /** The current state, then the image's internal snapshots by id and name (none for a raw image). */
        static List<SnapshotChoice> of(Path path) {
            List<SnapshotChoice> choices = new ArrayList<>(List.of(CURRENT));
            List<ImageInfo.SnapshotInfo> snapshots;
            try {
                snapshots = ImageInfo.of(path).snapshots();
            } catch (EngineException e) {
                return choices; // not a qcow2 image: nothing but its current state to present
            }
            if (snapshots != null) {
                for (ImageInfo.SnapshotInfo s : snapshots) {
                    // asked for by name, which the device table then shows; by id when another snapshot (or
                    // another's id) shares the name, since the owner takes the first match
                    boolean unique = snapshots.stream().filter(o -> o.name().equals(s.name())
                            || o.id().equals(s.name())).count() == 1;
                    choices.add(new SnapshotChoice(unique ? s.name() : s.id(), "Snapshot " + s.id() + ": " + s.name()));
                }
            }
            return List.copyOf(choices);
        }

        @Override
        public String toString() {
            return label;
        }
    }

    private final DevicesModel devices;
    private final ImageTools tools;
    private final Jobs jobs;
    private final LibraryStore consents;
    private final ReadOnlyStringWrapper files = new ReadOnlyStringWrapper("");
    private final ReadOnlyStringWrapper externalFiles = new ReadOnlyStringWrapper("");
    private final BooleanProperty allowExternalFiles = new SimpleBooleanProperty(false);
    private final ObjectProperty<Path> image = new SimpleObjectProperty<>();
    private final ReadOnlyObjectWrapper<ImageChoice> choice = new ReadOnlyObjectWrapper<>();
    private final StringProperty unit = new SimpleStringProperty();
    private final BooleanProperty readOnly = new SimpleBooleanProperty(false);
    private final BooleanProperty temporary = new SimpleBooleanProperty(false);
    private final ObjectProperty<SnapshotChoice> snapshot = new SimpleObjectProperty<>(SnapshotChoice.CURRENT);
    private final ReadOnlyStringWrapper readOnlyReason = new ReadOnlyStringWrapper("");
    private final IntegerProperty sectorSize = new SimpleIntegerProperty(512);
    private final ReadOnlyStringWrapper error = new ReadOnlyStringWrapper("");
    private final ReadOnlyStringWrapper sectorSizeWarning = new ReadOnlyStringWrapper("");
    private final ReadOnlyStringWrapper attachedAs = new ReadOnlyStringWrapper("");
    private final ReadOnlyBooleanWrapper working = new ReadOnlyBooleanWrapper(false);
    private final StringBinding preview;

    public AttachModel(DevicesModel devices, ImageTools tools, Jobs jobs, LibraryStore consents) {
        this.devices = devices;
        this.tools = tools;
        this.jobs = jobs;
        this.consents = consents;
        unit.set(devices.nextFreeUnit());
        image.addListener((observable, old, path) -> read(path));
        preview = Bindings.createStringBinding(this::describeDevice, choice, sectorSize);
        choice.addListener((observable, old, chosen) -> checkSectorSize());
        sectorSize.addListener((observable, old, size) -> checkSectorSize());
        // three ways to attach: read-only, read-write, or temporary writes (a writable device, the file only read)
        readOnly.addListener((observable, old, on) -> {
            if (on) {
                temporary.set(false);
            }
        });
        temporary.addListener((observable, old, on) -> {
            if (on) {
                readOnly.set(false);
            }
        });
        // a snapshot is presented read-only (qemu-nbd -l)
        snapshot.addListener((observable, old, chosen) -> {
            if (presentsSnapshot()) {
                readOnly.set(true);
            }
        });
    }

    /** What the device presents: the current state (the default) or an internal snapshot, read-only. */
    public ObjectProperty<SnapshotChoice> snapshotProperty() {
        return snapshot;
    }

    private boolean presentsSnapshot() {
        return snapshot.get() != null && snapshot.get().name() != null;
    }

    /** The image file to attach; setting it reads the image in the background. */
    public ObjectProperty<Path> imageProperty() {
        return image;
    }

    public ReadOnlyObjectProperty<ImageChoice> choiceProperty() {
        return choice.getReadOnlyProperty();
    }

    /** The unit to attach as; the next free one unless the user types another. */
    public StringProperty unitProperty() {
        return unit;
    }

    public BooleanProperty readOnlyProperty() {
        return readOnly;
    }

    /**
     * Temporary writes: clients write into an overlay the owner keeps, the image is only read; at detach the
     * writes are discarded unless the user keeps or commits them. Excludes read-only; allowed even when the file
     * cannot be written (it is never written until a commit).
     */
    public BooleanProperty temporaryProperty() {
        return temporary;
    }

    /** Why read-only is forced; empty when the user may choose. */
    public ReadOnlyStringProperty readOnlyReasonProperty() {
        return readOnlyReason.getReadOnlyProperty();
    }

    /** Every file the attach opens, one per line (image, data files, backing chain). */
    public ReadOnlyStringProperty filesProperty() {
        return files.getReadOnlyProperty();
    }

    /** The files the image names that are opened only with consent, and why; empty when there are none. */
    public ReadOnlyStringProperty externalFilesProperty() {
        return externalFiles.getReadOnlyProperty();
    }

    /** The user's consent to open those files (checked already when given before for the same files). */
    public BooleanProperty allowExternalFilesProperty() {
        return allowExternalFiles;
    }

    public IntegerProperty sectorSizeProperty() {
        return sectorSize;
    }

    /** The device the attach would create, e.g. "2097152 sectors of 512 bytes (1 GiB)". */
    public StringBinding previewBinding() {
        return preview;
    }

    /**
     * The engine's warning when the disk's partition table was written for another sector size than the chosen
     * one (its partitions would look wrong on the device); empty when they agree or the disk has no table.
     */
    public ReadOnlyStringProperty sectorSizeWarningProperty() {
        return sectorSizeWarning.getReadOnlyProperty();
    }

    /** The last error, as the engine worded it; empty when there is none. */
    public ReadOnlyStringProperty errorProperty() {
        return error.getReadOnlyProperty();
    }

    /** The units the chosen image is already attached as (the owner would refuse another); empty when none. */
    public ReadOnlyStringProperty attachedAsProperty() {
        return attachedAs.getReadOnlyProperty();
    }

    /** True while the image is being read or attached. */
    public ReadOnlyBooleanProperty workingProperty() {
        return working.getReadOnlyProperty();
    }

    public boolean canAttach() {
        return choice.get() != null && !working.get() && attachedAs.get().isEmpty();
    }

    /** Attaches; on success calls {@code onAttached}, on failure shows the engine's message in {@link #errorProperty()}. */
    public void attach(Consumer<DeviceInfo> onAttached) {
        ImageChoice chosen = choice.get();
        if (chosen == null || working.get()) {
            return;
        }
        String wantedUnit = Optional.ofNullable(unit.get()).map(String::strip).filter(text -> !text.isEmpty()).orElse(null);
        boolean consent = !chosen.needingConsent().isEmpty() && allowExternalFiles.get();
        AttachRequest request = new AttachRequest(chosen.path().toString(), readOnly.get(),
                Integer.numberOfTrailingZeros(sectorSize.get()), wantedUnit).withExternalFilesAllowed(consent);
        if (presentsSnapshot()) {
            request = request.withSnapshot(snapshot.get().name());
        } else if (temporary.get()) {
            request = request.asTemporary();
        }
        error.set("");
        working.set(true);
        devices.attach(request, device -> {
            working.set(false);
            if (consent && !chosen.consented()) {
                ExternalFileConsent given = new ExternalFileConsent(chosen.id(), chosen.needingConsent());
                jobs.submit("Remembering the consent for " + chosen.path().getFileName(), progress -> {
                    consents.remember(given);
                    return given;
                }, remembered -> { });
            }
            onAttached.accept(device);
        }, failure -> {
            working.set(false);
            error.set(failure.message());
        });
    }

    private void read(Path path) {
        choice.set(null);
        error.set("");
        files.set("");
        externalFiles.set("");
        allowExternalFiles.set(false);
        attachedAs.set("");
        snapshot.set(SnapshotChoice.CURRENT);
        if (path == null) {
            return;
        }
        working.set(true);
        jobs.submit("Reading " + path.getFileName(),
                progress -> ImageChoice.read(path, tools.inspect(path), consents),
                read -> {
                    working.set(false);
                    if (path.equals(image.get())) {
                        choose(read);
                    }
                }, failure -> {
                    working.set(false);
                    error.set(failure.message());
                });
    }

    private void choose(ImageChoice read) {
        String reason = !read.writable() ? "The file is not writable, so the device can only be read (or written "
                + "temporarily)."
                : read.facts().corrupt() ? "The image is marked corrupt; it may only be attached read-only (or with "
                + "temporary writes) until it is repaired."
                : "";
        readOnlyReason.set(reason);
        attachedAs.set(devices.fileIds().entrySet().stream().filter(entry -> entry.getValue().equals(read.id()))
                .map(java.util.Map.Entry::getKey).sorted().collect(java.util.stream.Collectors.joining(", ")));
        if (!reason.isEmpty() && !temporary.get()) {
            readOnly.set(true);
        }
        StringBuilder all = new StringBuilder();
        StringBuilder refused = new StringBuilder();
        for (ChainFile file : read.chain()) {
            all.append(all.length() == 0 ? "" : "\n").append(file.role().label()).append(": ").append(file.path());
            if (file.needsConsent()) {
                refused.append(refused.length() == 0 ? "" : "\n").append(file.path()).append(" (")
                        .append(file.role().label()).append("): ").append(String.join("; ", file.concerns()));
            }
        }
        files.set(all.toString());
        externalFiles.set(refused.toString());
        allowExternalFiles.set(read.consented());
        choice.set(read);
    }

    /** Reads the partition table in the background with the chosen sector size; a stale answer is dropped. */
    private void checkSectorSize() {
        sectorSizeWarning.set("");
        ImageChoice chosen = choice.get();
        if (chosen == null) {
            return;
        }
        int size = sectorSize.get();
        jobs.submit("Reading the partition table of " + chosen.path().getFileName(), progress -> {
            try (VirtualDisk disk = tools.openReadOnly(chosen.path())) {
                PartitionTable table = PartitionScanner.scan(ByteSource.of(disk), size);
                return table.sectorSizeMismatch() ? SectorSizeWarning.text(table.sectorSize(), size) : "";
            }
        }, warning -> {
            if (chosen == choice.get() && size == sectorSize.get()) {
                sectorSizeWarning.set(warning);
            }
        }, failure -> { });  // a table that cannot be read says nothing about sector sizes; the attach reports errors
    }

    private String describeDevice() {
        ImageChoice chosen = choice.get();
        if (chosen == null) {
            return "";
        }
        long sectors = chosen.facts().virtualSize() / sectorSize.get();
        return sectors + " sectors of " + sectorSize.get() + " bytes (" + Sizes.human(sectors * sectorSize.get()) + ")";
    }
}
