package qcowdesk.app.map;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javafx.animation.KeyFrame;
import javafx.animation.Timeline;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyLongProperty;
import javafx.beans.property.ReadOnlyLongWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleBooleanProperty;
import qcowdesk.app.background.BackgroundTask;
import javafx.scene.paint.Color;
import javafx.util.Duration;
import qcowdesk.app.background.TaskExecutor;
import qcowdesk.app.background.TaskSlot;
import qcowdesk.app.inspect.GuestStatus;
import qcowdesk.app.inspect.InspectedImage;
import qcowdesk.app.inspect.Sizes;

/**
 * The allocation map's state and rules, without nodes: which image, which range of its disk at which detail,
 * the guest and host maps once scanned, the live subscription of an attached image, and what the view should
 * say (title, summary, legend, message, the scan whose progress it shows). Scans run in {@link TaskSlot}s on
 * the injected executor; while the image is live, allocation events mark cells dirty and a timeline applies
 * them a few times a second. Used on the FX thread.
 */
public final class MapModel {

    /** How often live changes reach the screen: often enough to watch, rarely enough to stay cheap. */
    static final Duration LIVE_PERIOD = Duration.millis(250);
    /** How much finer a double-clicked region is mapped than the map it was opened from. */
    static final int ZOOM_FACTOR = 256;
    static final String NO_IMAGE = "No image selected";

    /** The cells the canvas shows, scrolled so that {@code focusCell} is in view; a new value means a new picture. */
    public record Shown(CellSource source, int focusCell) {
    }

    /** The legend: a colour per name, and a cluster count per name (a name without a count shows alone). */
    public record LegendContent(Map<String, Color> colours, Map<String, Long> counts) {
    }

    /**
     * Guest byte ranges {@code [start, end)} outlined on the guest map (a file's clusters, or where the image
     * differs from another), with a caption saying what they are.
     *
     * @param image   the file whose map they belong to; null: whichever image is shown
     */
    public record Outline(List<long[]> ranges, String caption, Path image) {
        public static final Outline NONE = new Outline(List.of(), "", null);

        public Outline {
            ranges = List.copyOf(ranges);
        }

        /** Whether the outline belongs on the map of {@code shown} (null: no image). */
        public boolean appliesTo(InspectedImage shown) {
            return image == null || (shown != null && image.equals(shown.file()));
        }
    }

    private final TaskSlot guestScan;
    private final TaskSlot hostScan;
    private final TaskSlot refresh;
    private final Timeline liveTimer = new Timeline(new KeyFrame(LIVE_PERIOD, e -> refreshLive()));

    private final ReadOnlyStringWrapper title = new ReadOnlyStringWrapper(NO_IMAGE);
    private final ReadOnlyStringWrapper summary = new ReadOnlyStringWrapper("");
    private final ReadOnlyStringWrapper message = new ReadOnlyStringWrapper("");
    private final ReadOnlyObjectWrapper<Outline> outline = new ReadOnlyObjectWrapper<>(Outline.NONE);
    private final ReadOnlyObjectWrapper<Shown> shown = new ReadOnlyObjectWrapper<>();
    private final ReadOnlyLongWrapper redraws = new ReadOnlyLongWrapper();
    private final ReadOnlyObjectWrapper<LegendContent> legend = new ReadOnlyObjectWrapper<>();
    private final ReadOnlyBooleanWrapper zoomed = new ReadOnlyBooleanWrapper(false);
    private final ReadOnlyObjectWrapper<BackgroundTask<?>> tracked = new ReadOnlyObjectWrapper<>();
    private final BooleanProperty hostView = new SimpleBooleanProperty(false);

    private InspectedImage image;
    /** Clients wrote since the host map was scanned. */
    private boolean hostStale;
    private LiveGuestMap live;
    private GuestCells guest;
    private HostCells host;

    public MapModel(TaskExecutor executor) {
        guestScan = new TaskSlot(executor);
        hostScan = new TaskSlot(executor);
        refresh = new TaskSlot(executor);
        liveTimer.setCycleCount(Timeline.INDEFINITE);
        hostView.addListener((obs, old, host) -> showSelectedView());
        clear();
    }

    public ReadOnlyStringProperty titleProperty() {
        return title.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty summaryProperty() {
        return summary.getReadOnlyProperty();
    }

    /** Why the map cannot be shown or updated; empty when all is well. */
    public ReadOnlyStringProperty messageProperty() {
        return message.getReadOnlyProperty();
    }

    public ReadOnlyObjectProperty<Shown> shownProperty() {
        return shown.getReadOnlyProperty();
    }

    /** Counts changes to the shown cells made in place (live writes): the view draws them again. */
    public ReadOnlyLongProperty redrawsProperty() {
        return redraws.getReadOnlyProperty();
    }

    public ReadOnlyObjectProperty<LegendContent> legendProperty() {
        return legend.getReadOnlyProperty();
    }

    /** True when a region is mapped rather than the whole disk (the view offers the way back). */
    public ReadOnlyBooleanProperty zoomedProperty() {
        return zoomed.getReadOnlyProperty();
    }

    /** The scan the user waits for (the first of a view), whose progress the view shows; null when none. */
    public ReadOnlyObjectProperty<BackgroundTask<?>> trackedProperty() {
        return tracked.getReadOnlyProperty();
    }

    /** False: the guest disk; true: the host file. */
    public BooleanProperty hostViewProperty() {
        return hostView;
    }

    /** What is outlined on the guest map; {@link Outline#NONE} when nothing. */
    public ReadOnlyObjectProperty<Outline> outlineProperty() {
        return outline.getReadOnlyProperty();
    }

    /** Outlines {@code ranges} on the guest map, switching to it; it stays as the map is zoomed or rescanned. */
    public void outline(Outline ranges) {
        outline.set(ranges);
        hostView.set(false);
    }

    /** The image currently mapped, or null. */
    public InspectedImage image() {
        return image;
    }

    /** The host-file map, once computed (null before). */
    public CellMap<HostKind> hostMap() {
        return host == null ? null : host.map();
    }

    /** The guest map currently shown (null until the scan finished). */
    public CellMap<GuestStatus> guestMap() {
        return guest == null ? null : guest.map();
    }

    /** Maps {@code image}'s whole disk, dropping what was shown before. */
    public void show(InspectedImage image) {
        clear();
        this.image = image;
        title.set(image.name());
        scanGuest(wholeDisk(), 0);
    }

    /** Shows nothing, cancels the scans and drops the live subscription. */
    public void clear() {
        closeLive();
        guestScan.cancel();
        hostScan.cancel();
        zoomed.set(false);
        image = null;
        guest = null;
        host = null;
        hostStale = false;
        title.set(NO_IMAGE);
        summary.set("");
        message.set("");
        tracked.set(null);
        shown.set(null);
        legend.set(new LegendContent(guestColours(), Map.of()));
    }

    /** Maps a region of the disk at (up to) {@value #ZOOM_FACTOR} times the detail; the whole disk is one step back. */
    public void zoomInto(long start, long end) {
        if (image != null) {
            zoomInto(start, end, start);
        }
    }

    /** Back to the map of the whole disk, scrolled to where the zoomed region was. */
    public void showWholeDisk() {
        if (image != null) {
            scanGuest(wholeDisk(), guest == null ? 0 : guest.map().geometry().origin());
        }
    }

    /** A double-clicked cell of the guest map: maps the region around it in more detail. */
    public void openCell(int cell) {
        if (guest == null || hostView.get() || guest.map().geometry().clustersPerCell() == 1) {
            return;
        }
        MapGeometry geometry = guest.map().geometry();
        long[] region = geometry.regionAround(cell, ZOOM_FACTOR);
        zoomInto(region[0], region[1], geometry.cellStart(cell));
    }

    private void zoomInto(long start, long end, long focus) {
        long from = Math.max(0, start - start % image.disk().clusterSize());
        scanGuest(MapGeometry.of(from, Math.min(image.disk().size(), end) - from, image.disk().clusterSize(),
                MapGeometry.DEFAULT_MAX_CELLS), focus);
    }

    private MapGeometry wholeDisk() {
        return MapGeometry.of(image.disk().size(), image.disk().clusterSize(), MapGeometry.DEFAULT_MAX_CELLS);
    }

    /**
     * (Re)builds the guest map of {@code geometry}'s range in the background, following live writes to it, and
     * shows it scrolled to the guest offset {@code focus}.
     */
    private void scanGuest(MapGeometry geometry, long focus) {
        InspectedImage scanned = image;
        closeLive();
        guest = null;
        zoomed.set(geometry.size() < scanned.disk().size());
        if (scanned.live()) {
            // Subscribe before the scan: a write racing with it marks its cells dirty and is re-read later.
            live = new LiveGuestMap(scanned.disk(), geometry);
        }
        message.set("");
        BackgroundTask<GuestCells> task = guestScan.start("Mapping " + scanned.name(), progress -> new GuestCells(
                GuestMapScan.build(scanned.disk(), geometry, progress::isCancelled,
                        offset -> progress.update(offset - geometry.origin(), geometry.size()))), cells -> {
            guest = cells;
            if (hostView.get()) {
                showSelectedView();
            } else {
                display(guest, geometry.cellOf(Math.max(geometry.origin(), focus)));
                updateGuestSummary();
            }
            if (live != null) {
                liveTimer.play();
            }
        }, failure -> message.set("Cannot map the image: " + failure.getMessage()));
        track(task);
    }

    private void closeLive() {
        liveTimer.stop();
        refresh.cancel();
        if (live != null) {
            live.close();
            live = null;
        }
    }

    private void showSelectedView() {
        if (image == null) {
            return;
        }
        if (hostView.get()) {
            showHost();
        } else if (guest != null) {
            display(guest, 0);
            updateGuestSummary();
        } else {
            shown.set(null); // the guest scan is still running; its result shows itself
        }
    }

    /** Shows the host map, (re)scanning it first when there is none yet or clients changed the file since. */
    private void showHost() {
        if (host != null) {
            display(host, 0);
            legend.set(new LegendContent(HostCells.colours(), host.clusterCounts()));
            summary.set(host.summary() + (live != null ? " · live" : ""));
        }
        if ((host != null && !hostStale) || hostScan.busy()) {
            return; // up to date, or a scan runs and will show its result (and rescan if still stale)
        }
        hostStale = false; // writes from now on make the new scan stale again
        InspectedImage scanned = image;
        boolean first = host == null;
        if (first) {
            message.set("");
        }
        BackgroundTask<HostCells> task = hostScan.start("Mapping the file of " + scanned.name(), progress -> HostCells.scan(
                scanned, MapGeometry.DEFAULT_MAX_CELLS, (phase, done, total) -> progress.update(done, total)), cells -> {
            host = cells;
            if (hostView.get()) {
                showHost();
            }
        }, failure -> message.set("Cannot map the host file: " + failure.getMessage()));
        if (first) {
            track(task);
        }
    }

    private void display(CellSource source, int focusCell) {
        Shown next = new Shown(source, focusCell);
        if (next.equals(shown.get())) {
            redraws.set(redraws.get() + 1);
        } else {
            shown.set(next);
        }
    }

    private void updateGuestSummary() {
        CellMap<GuestStatus> map = guest.map();
        Map<String, Long> counts = new LinkedHashMap<>();
        map.clusterTotals().forEach((status, count) -> counts.put(status.label(), count));
        legend.set(new LegendContent(guestColours(), counts));
        MapGeometry geometry = map.geometry();
        String range = geometry.size() == image.disk().size() ? Sizes.human(geometry.size())
                : Sizes.hex(geometry.origin()) + " – " + Sizes.hex(geometry.end() - 1) + " of " + Sizes.human(image.disk().size());
        summary.set(range + " · " + Sizes.human(geometry.clusterSize()) + " clusters"
                + (geometry.clustersPerCell() > 1 ? " · " + String.format("%,d", geometry.clustersPerCell()) + " per cell" : "")
                + (live != null ? " · live" : ""));
    }

    private static Map<String, Color> guestColours() {
        Map<String, Color> colours = new LinkedHashMap<>();
        for (GuestStatus status : GuestStatus.values()) {
            colours.put(status.label(), Palette.of(status));
        }
        return colours;
    }

    /** One timeline tick: if clients allocated clusters since the last one, re-read those cells in the background. */
    void refreshLive() {
        if (live == null || guest == null || refresh.busy() || !live.hasChanges()) {
            return;
        }
        LiveGuestMap source = live;
        refresh.start("Following writes", progress -> source.collect(), patches -> {
            LiveGuestMap.apply(patches, guest.map());
            hostStale = true; // the file grew too
            if (hostView.get()) {
                showHost();
            } else {
                redraws.set(redraws.get() + 1);
                updateGuestSummary();
            }
        }, failure -> message.set("Live update failed: " + failure.getMessage()));
    }

    /** Shows the progress of a scan the user waits for, until it ends (a task already done shows nothing). */
    private void track(BackgroundTask<?> task) {
        if (!task.isRunning()) {
            return;
        }
        tracked.set(task);
        task.runningProperty().addListener((obs, was, running) -> {
            if (!running && tracked.get() == task) {
                tracked.set(null);
            }
        });
    }
}
