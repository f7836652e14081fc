package qcowdesk.app.contents;

import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import qcowdesk.app.background.BackgroundTask;
import qcowdesk.app.background.Jobs;
import qcowdesk.app.background.TaskSlot;
import qcowdesk.app.inspect.InspectedImage;
import qcowdesk.engine.contents.DiskContents;
import qcowdesk.engine.contents.Volume;
import qcowdesk.engine.contents.extract.ExtractResult;
import qcowdesk.engine.contents.extract.Extractor;
import qcowdesk.engine.contents.fs.FileNode;
import qcowdesk.engine.contents.fs.FileSystemReader;
import qcowdesk.engine.contents.fs.Listing;
import qcowdesk.engine.contents.space.ClusterIndex;
import qcowdesk.engine.contents.space.FileClusters;
import qcowdesk.engine.contents.space.Holder;
import qcowdesk.engine.contents.space.SpaceReport;

/**
 * The Contents tab's state: the partitions of the shown disk, the filesystem of the selected one, and the work on
 * it (listing, preview, extraction, a file's clusters, the space report), every read in a background task. Used on
 * the FX thread.
 */
public final class ContentsModel {

    static final int PREVIEW_BYTES = 4096;

    private final Jobs jobs;
    private final TaskSlot loading;
    private final TaskSlot previewing;
    private final ObservableList<Volume> volumes = FXCollections.observableArrayList();
    private final ReadOnlyObjectWrapper<Volume> volume = new ReadOnlyObjectWrapper<>();
    private final ReadOnlyObjectWrapper<FileSystemReader> filesystem = new ReadOnlyObjectWrapper<>();
    private final ReadOnlyStringWrapper message = new ReadOnlyStringWrapper("");
    private final ReadOnlyStringWrapper preview = new ReadOnlyStringWrapper("");
    private final ReadOnlyObjectWrapper<SpaceReport> space = new ReadOnlyObjectWrapper<>();
    private InspectedImage image;
    private DiskContents contents;
    private volatile ClusterIndex index;

    public ContentsModel(Jobs jobs) {
        this.jobs = jobs;
        this.loading = new TaskSlot(jobs.executor());
        this.previewing = new TaskSlot(jobs.executor());
    }

    public ObservableList<Volume> volumes() {
        return volumes;
    }

    public ReadOnlyObjectProperty<Volume> volumeProperty() {
        return volume.getReadOnlyProperty();
    }

    public ReadOnlyObjectProperty<FileSystemReader> filesystemProperty() {
        return filesystem.getReadOnlyProperty();
    }

    /** What the tab says instead of files: no filesystem, a sector-size warning, an error. */
    public ReadOnlyStringProperty messageProperty() {
        return message.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty previewProperty() {
        return preview.getReadOnlyProperty();
    }

    public ReadOnlyObjectProperty<SpaceReport> spaceProperty() {
        return space.getReadOnlyProperty();
    }

    public long diskSize() {
        return image == null ? 0 : image.disk().size();
    }

    /** Reads the partitions of {@code shown}; selects the first volume with a browsable filesystem. */
    public void show(InspectedImage shown) {
        clear();
        image = shown;
        message.set("reading the partition table…");
        loading.start("Reading partitions of " + shown.name(),
                progress -> DiskContents.read(shown.disk(), shown.sectorSize()),
                read -> {
                    contents = read;
                    volumes.setAll(read.volumes());
                    message.set(String.join("\n", read.table().warnings()));
                    read.volumes().stream().filter(v -> v.fs().map(f -> f.browsable()).orElse(false)).findFirst()
                            .ifPresent(this::select);
                },
                error -> message.set(error.getMessage()));
    }

    /** Shows {@code text} as the tab's message. */
    void messageOr(String text) {
        message.set(text);
    }

    public void clear() {
        loading.cancel();
        previewing.cancel();
        image = null;
        contents = null;
        index = null;
        volumes.clear();
        volume.set(null);
        filesystem.set(null);
        preview.set("");
        space.set(null);
        message.set("");
    }

    /** Opens the filesystem of {@code v} for browsing. */
    public void select(Volume v) {
        volume.set(v);
        filesystem.set(null);
        space.set(null);
        index = null;
        loading.start("Opening " + v.describe(), progress -> v.open(), fs -> {
            filesystem.set(fs);
            if (!fs.warnings().isEmpty()) {
                message.set(String.join("\n", fs.warnings()));
            }
        }, error -> message.set(v.describe() + ": " + error.getMessage()));
    }

    /** Lists {@code dir} in the background; {@code done} gets the listing on the FX thread. */
    void list(FileNode dir, Consumer<Listing> done) {
        FileSystemReader fs = filesystem.get();
        if (fs == null) {
            return;
        }
        jobs.executor().execute(new BackgroundTask<>("Listing " + dir.path(), progress -> fs.list(dir), done,
                error -> message.set(dir.path() + ": " + error.getMessage())));
    }

    /** Shows the first 4 KiB of a file: as text when it is UTF-8, else as a hex dump. */
    public void preview(FileNode file) {
        FileSystemReader fs = filesystem.get();
        if (fs == null || file == null || file.isDirectory()) {
            preview.set("");
            return;
        }
        previewing.start("Reading " + file.path(), progress -> {
            if (file.type() == qcowdesk.engine.contents.fs.FileType.SYMLINK) {
                return "→ " + fs.readLink(file);
            }
            ByteBuffer buf = ByteBuffer.allocate((int) Math.min(PREVIEW_BYTES, file.size()));
            fs.read(file, 0, buf);
            return render(buf.array());
        }, preview::set, error -> preview.set(error.getMessage()));
    }

    static String render(byte[] bytes) {
        try {
            String text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
            if (text.chars().noneMatch(c -> c < 32 && c != '\n' && c != '\r' && c != '\t')) {
                return text;
            }
        } catch (CharacterCodingException binary) {
            // shown as hex below
        }
        StringBuilder out = new StringBuilder();
        for (int row = 0; row < bytes.length; row += 16) {
            out.append(String.format("%08x ", row));
            StringBuilder ascii = new StringBuilder();
            for (int i = row; i < row + 16; i++) {
                if (i < bytes.length) {
                    out.append(String.format(" %02x", bytes[i]));
                    ascii.append(bytes[i] >= 32 && bytes[i] < 127 ? (char) bytes[i] : '.');
                } else {
                    out.append("   ");
                }
            }
            out.append("  |").append(ascii).append("|\n");
        }
        return out.toString();
    }

    /** Extracts {@code node} to {@code dest} as a job with progress; cancelling the job stops it. */
    public BackgroundTask<ExtractResult> extract(FileNode node, Path dest, Consumer<ExtractResult> done) {
        FileSystemReader fs = filesystem.get();
        return jobs.submit("Extracting " + node.path(), progress -> new Extractor(fs, (phase, bytes, total) -> {
            progress.message(phase);
            if (progress.isCancelled()) {
                Thread.currentThread().interrupt();
            }
        }).extract(node, dest), done);
    }

    /** The guest byte ranges of a file's data, for the map. */
    public void ranges(FileNode file, Consumer<List<long[]>> done) {
        Volume v = volume.get();
        FileSystemReader fs = filesystem.get();
        jobs.submit("Finding the clusters of " + file.path(), progress -> FileClusters.guestRanges(v, fs, file),
                done);
    }

    /** Builds the cluster index of the selected volume and the space report below {@code under}. */
    public void computeSpace(String under) {
        Volume v = volume.get();
        InspectedImage shown = image;
        DiskContents all = contents;
        if (v == null || shown == null) {
            return;
        }
        jobs.submit("Where did the space go on " + v.describe(), progress -> {
            ClusterIndex built = ClusterIndex.build(new DiskContents(all.table(), List.of(v)), (phase, done, total) -> {
                progress.message(phase + ": " + done + " files");
                if (progress.isCancelled()) {
                    Thread.currentThread().interrupt();
                }
            });
            index = built;
            if (Thread.interrupted()) {
                throw new InterruptedIOException("cancelled");
            }
            return SpaceReport.build(shown.disk(), built, under, 200);
        }, space::set);
    }

    /** What the guest keeps in [start, end), once the space report built the index; "" before. */
    public String holders(long start, long end) {
        ClusterIndex built = index;
        if (built == null) {
            return "";
        }
        List<Holder> holders = built.holders(start, end - start, 4);
        StringBuilder out = new StringBuilder("holds: ");
        for (int i = 0; i < holders.size(); i++) {
            out.append(i == 0 ? "" : "; ").append(holders.get(i).describe());
        }
        return out.toString();
    }
}
