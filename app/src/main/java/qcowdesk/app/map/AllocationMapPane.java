package qcowdesk.app.map;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import atlantafx.base.theme.Styles;
import javafx.animation.KeyFrame;
import javafx.animation.Timeline;
import javafx.concurrent.Task;
import javafx.geometry.Insets;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressIndicator;
import javafx.scene.control.ToggleButton;
import javafx.scene.control.ToggleGroup;
import javafx.scene.control.ToolBar;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.HBox;
import javafx.scene.layout.StackPane;
import javafx.scene.paint.Color;
import javafx.util.Duration;
import qcowdesk.app.inspect.GuestStatus;
import qcowdesk.app.inspect.InspectedImage;
import qcowdesk.app.inspect.InspectionView;
import qcowdesk.app.inspect.Sizes;
import qcowdesk.app.inspect.TaskSlot;

/**
 * The allocation map: the guest disk cluster by cluster (or group by group), and the host file by what each
 * of its clusters holds. The map is computed in a background task; while the device is attached, allocation
 * events mark cells dirty and a timeline applies them a few times a second.
 */
public class AllocationMapPane extends BorderPane implements InspectionView {

    /** How often live changes reach the screen: often enough to watch, rarely enough to stay cheap. */
    static final Duration LIVE_PERIOD = Duration.millis(250);
    /** How much finer a double-clicked region is mapped than the map it was opened from. */
    static final int ZOOM_FACTOR = 256;

    private final MapCanvas canvas = new MapCanvas();
    private final Legend legend = new Legend();
    private final Label title = new Label("No image selected");
    private final Label summary = new Label();
    private final Label message = new Label();
    private final ProgressIndicator progress = new ProgressIndicator();
    private final ToggleButton guestButton = new ToggleButton("Guest disk");
    private final ToggleButton hostButton = new ToggleButton("Host file");
    private final Button wholeDiskButton = new Button("Whole disk");
    private final Timeline liveTimer = new Timeline(new KeyFrame(LIVE_PERIOD, e -> refreshLive()));

    private final TaskSlot guestScan = new TaskSlot();
    private final TaskSlot hostScan = new TaskSlot();
    private final TaskSlot refresh = new TaskSlot();

    private InspectedImage image;
    /** The scan whose progress the indicator shows. */
    private Task<?> tracked;
    /** Clients wrote since the host map was scanned. */
    private boolean hostStale;
    private LiveGuestMap live;
    private GuestCells guest;
    private HostCells host;

    public AllocationMapPane() {
        getStyleClass().add("inspection-view");
        liveTimer.setCycleCount(Timeline.INDEFINITE);
        setTop(toolbar());
        progress.setMaxSize(48, 48);
        progress.setVisible(false);
        message.setWrapText(true);
        message.setMaxWidth(420);
        StackPane center = new StackPane(canvas, progress, message);
        setCenter(center);
        canvas.setOnCellOpened(this::openCell);
        setBottom(legend);
        clear();
    }

    private ToolBar toolbar() {
        ToggleGroup views = new ToggleGroup();
        guestButton.setToggleGroup(views);
        hostButton.setToggleGroup(views);
        guestButton.setSelected(true);
        guestButton.setTooltip(new Tooltip("One cell per cluster of the virtual disk, or group of clusters: double-click one for a closer look"));
        hostButton.setTooltip(new Tooltip("One cell per cluster of the image file: metadata, data, free space"));
        views.selectedToggleProperty().addListener((obs, old, now) -> {
            if (now == null) {
                old.setSelected(true);
            } else {
                showSelectedView();
            }
        });
        Button zoomOut = new Button("−");
        zoomOut.setTooltip(new Tooltip("Smaller cells (Ctrl+wheel)"));
        zoomOut.setOnAction(e -> canvas.zoom(-1));
        Button zoomIn = new Button("+");
        zoomIn.setTooltip(new Tooltip("Larger cells (Ctrl+wheel)"));
        zoomIn.setOnAction(e -> canvas.zoom(1));
        Region spring = new Region();
        HBox.setHgrow(spring, Priority.ALWAYS);
        title.getStyleClass().add("title-4");
        guestButton.getStyleClass().add(Styles.LEFT_PILL);
        hostButton.getStyleClass().add(Styles.RIGHT_PILL);
        HBox toggles = new HBox(guestButton, hostButton);
        wholeDiskButton.setTooltip(new Tooltip("Back to the map of the whole disk (double-click a cell to look closer)"));
        wholeDiskButton.setOnAction(e -> {
            if (image != null) {
                scanGuest(wholeDisk(), guest == null ? 0 : guest.map().geometry().origin());
            }
        });
        wholeDiskButton.managedProperty().bind(wholeDiskButton.visibleProperty());
        ToolBar bar = new ToolBar(title, toggles, wholeDiskButton, spring, summary, zoomOut, zoomIn);
        bar.setPadding(new Insets(4, 8, 4, 8));
        return bar;
    }

    @Override
    public void show(InspectedImage image) {
        clear();
        this.image = image;
        title.setText(image.name());
        scanGuest(wholeDisk(), 0);
    }

    /** Maps a region of the disk at (up to) {@value #ZOOM_FACTOR} times the detail; the whole disk is one step back. */
    public void zoomInto(long start, long end) {
        if (image == null) {
            return;
        }
        zoomInto(start, end, start);
    }

    private void zoomInto(long start, long end, long focus) {
        long from = Math.max(0, start - start % image.disk().clusterSize());
        scanGuest(MapGeometry.of(from, Math.min(image.disk().size(), end) - from, image.disk().clusterSize(),
                MapGeometry.DEFAULT_MAX_CELLS), focus);
    }

    private MapGeometry wholeDisk() {
        return MapGeometry.of(image.disk().size(), image.disk().clusterSize(), MapGeometry.DEFAULT_MAX_CELLS);
    }

    private void openCell(int cell) {
        if (guest == null || hostButton.isSelected() || guest.map().geometry().clustersPerCell() == 1) {
            return;
        }
        MapGeometry geometry = guest.map().geometry();
        long[] region = geometry.regionAround(cell, ZOOM_FACTOR);
        zoomInto(region[0], region[1], geometry.cellStart(cell));
    }

    /**
     * (Re)builds the guest map of {@code geometry}'s range in the background, following live writes to it, and
     * shows it scrolled to the guest offset {@code focus}.
     */
    private void scanGuest(MapGeometry geometry, long focus) {
        InspectedImage shown = image;
        closeLive();
        guest = null;
        wholeDiskButton.setVisible(geometry.size() < shown.disk().size());
        if (shown.live()) {
            // Subscribe before the scan: a write racing with it marks its cells dirty and is re-read later.
            live = new LiveGuestMap(shown.disk(), geometry);
        }
        Task<GuestCells> task = new Task<>() {
            @Override
            protected GuestCells call() throws Exception {
                return new GuestCells(GuestMapScan.build(shown.disk(), geometry, this::isCancelled,
                        offset -> updateProgress(offset - geometry.origin(), geometry.size())));
            }
        };
        track(task);
        guestScan.start(task, cells -> {
            guest = cells;
            if (hostButton.isSelected()) {
                showSelectedView();
            } else {
                canvas.setSource(guest, geometry.cellOf(Math.max(geometry.origin(), focus)));
                updateGuestSummary();
            }
            if (live != null) {
                liveTimer.play();
            }
        }, failure -> message.setText("Cannot map the image: " + failure.getMessage()));
    }

    private void closeLive() {
        liveTimer.stop();
        refresh.cancel();
        if (live != null) {
            live.close();
            live = null;
        }
    }

    @Override
    public void clear() {
        closeLive();
        guestScan.cancel();
        hostScan.cancel();
        wholeDiskButton.setVisible(false);
        image = null;
        guest = null;
        host = null;
        hostStale = false;
        title.setText("No image selected");
        summary.setText("");
        message.setText("");
        tracked = null;
        progress.progressProperty().unbind();
        progress.setVisible(false);
        canvas.setSource(null);
        legend.show(guestColours(), Map.of());
    }

    /** Switches between the guest-disk map and the host-file map (the toolbar's toggle). */
    public void viewHostFile(boolean hostFile) {
        (hostFile ? hostButton : guestButton).setSelected(true);
    }

    /** The host-file map, once computed (null before); for tests. */
    public CellMap<HostKind> hostMap() {
        return host == null ? null : host.map();
    }

    /** The guest map currently shown (null until the scan finished); for tests and the status bar. */
    public CellMap<GuestStatus> guestMap() {
        return guest == null ? null : guest.map();
    }

    private void showSelectedView() {
        if (image == null) {
            return;
        }
        if (hostButton.isSelected()) {
            showHost();
        } else if (guest != null) {
            canvas.setSource(guest);
            updateGuestSummary();
        } else {
            canvas.setSource(null); // the guest scan is still running; its result shows itself
        }
    }

    /** Shows the host map, (re)scanning it first when there is none yet or clients changed the file since. */
    private void showHost() {
        if (host != null) {
            canvas.setSource(host);
            legend.show(HostCells.colours(), host.clusterCounts());
            summary.setText(host.summary() + (live != null ? " · live" : ""));
        }
        if ((host != null && !hostStale) || hostScan.busy()) {
            return; // up to date, or a scan runs and will show its result (and rescan if still stale)
        }
        hostStale = false; // writes from now on make the new scan stale again
        InspectedImage shown = image;
        Task<HostCells> task = new Task<>() {
            @Override
            protected HostCells call() throws Exception {
                return HostCells.scan(shown, MapGeometry.DEFAULT_MAX_CELLS, (phase, done, total) -> updateProgress(done, total));
            }
        };
        if (host == null) {
            track(task);
        }
        hostScan.start(task, cells -> {
            host = cells;
            if (hostButton.isSelected()) {
                showHost();
            }
        }, failure -> message.setText("Cannot map the host file: " + failure.getMessage()));
    }

    private void updateGuestSummary() {
        CellMap<GuestStatus> map = guest.map();
        Map<String, Long> counts = new LinkedHashMap<>();
        map.clusterTotals().forEach((status, count) -> counts.put(status.label(), count));
        legend.show(guestColours(), counts);
        MapGeometry geometry = map.geometry();
        String range = geometry.size() == image.disk().size() ? Sizes.human(geometry.size())
                : Sizes.hex(geometry.origin()) + " – " + Sizes.hex(geometry.end() - 1) + " of " + Sizes.human(image.disk().size());
        summary.setText(range + " · " + Sizes.human(geometry.clusterSize()) + " clusters"
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
    private void refreshLive() {
        if (live == null || guest == null || refresh.busy() || !live.hasChanges()) {
            return;
        }
        LiveGuestMap source = live;
        Task<List<CellPatch>> task = new Task<>() {
            @Override
            protected List<CellPatch> call() throws Exception {
                return source.collect();
            }
        };
        refresh.start(task, patches -> {
            LiveGuestMap.apply(patches, guest.map());
            hostStale = true; // the file grew too
            if (hostButton.isSelected()) {
                showHost();
            } else {
                canvas.redraw();
                updateGuestSummary();
            }
        }, failure -> message.setText("Live update failed: " + failure.getMessage()));
    }

    /** Shows the progress of a scan the user waits for (the first one of a view). */
    private void track(Task<?> task) {
        message.setText("");
        tracked = task;
        progress.progressProperty().bind(task.progressProperty());
        progress.setVisible(true);
        task.runningProperty().addListener((obs, was, running) -> {
            if (!running && tracked == task) {
                tracked = null;
                progress.progressProperty().unbind();
                progress.setVisible(false);
            }
        });
    }
}
