package qcowdesk.app.map;

import atlantafx.base.theme.Styles;
import javafx.geometry.Insets;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressIndicator;
import javafx.scene.control.ToggleButton;
import javafx.scene.control.ToggleGroup;
import javafx.scene.control.ToolBar;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;
import qcowdesk.app.background.TaskExecutor;
import qcowdesk.app.inspect.GuestStatus;
import qcowdesk.app.inspect.InspectedImage;
import qcowdesk.app.inspect.InspectionView;

/**
 * The allocation map's view: the guest disk cluster by cluster (or group by group), or the host file by what
 * each of its clusters holds. Everything it shows comes from its {@link MapModel}; it only draws and forwards
 * clicks.
 */
public class AllocationMapPane extends BorderPane implements InspectionView {

    private final MapModel model;
    private final MapCanvas canvas = new MapCanvas();
    private final Legend legend = new Legend();
    private final Label title = new Label();
    private final Label summary = new Label();
    private final Label message = new Label();
    private final ProgressIndicator progress = new ProgressIndicator();
    private final ToggleButton guestButton = new ToggleButton("Guest disk");
    private final ToggleButton hostButton = new ToggleButton("Host file");
    private final Button wholeDiskButton = new Button("Whole disk");
    private final Label outlineCaption = new Label();

    /** Scans run on {@code executor}. */
    public AllocationMapPane(TaskExecutor executor) {
        this.model = new MapModel(executor);
        getStyleClass().add("inspection-view");
        setTop(toolbar());
        progress.setMaxSize(48, 48);
        message.setWrapText(true);
        message.setMaxWidth(420);
        setCenter(new StackPane(canvas, progress, message));
        outlineCaption.getStyleClass().add(Styles.TEXT_SUBTLE);
        outlineCaption.setPadding(new Insets(0, 8, 4, 8));
        outlineCaption.managedProperty().bind(outlineCaption.textProperty().isNotEmpty());
        setBottom(new VBox(legend, outlineCaption));
        model.outlineProperty().addListener((obs, old, now) -> applyHighlight());
        canvas.setOnCellOpened(model::openCell);

        summary.setId("map-summary");
        legend.setId("map-legend");
        title.textProperty().bind(model.titleProperty());
        summary.textProperty().bind(model.summaryProperty());
        message.textProperty().bind(model.messageProperty());
        wholeDiskButton.visibleProperty().bind(model.zoomedProperty());
        model.shownProperty().addListener((obs, old, shown) -> {
            if (shown == null) {
                canvas.setSource(null);
            } else {
                canvas.setSource(shown.source(), shown.focusCell());
            }
            applyHighlight();
        });
        model.redrawsProperty().addListener((obs, old, count) -> canvas.redraw());
        model.legendProperty().addListener((obs, old, content) -> legend.show(content.colours(), content.counts()));
        legend.show(model.legendProperty().get().colours(), model.legendProperty().get().counts());
        model.trackedProperty().addListener((obs, old, task) -> {
            progress.progressProperty().unbind();
            progress.setVisible(task != null);
            if (task != null) {
                progress.progressProperty().bind(task.progressProperty());
            }
        });
        progress.setVisible(false);
        model.hostViewProperty().addListener((obs, old, host) -> (host ? hostButton : guestButton).setSelected(true));
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
                model.hostViewProperty().set(now == hostButton);
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
        wholeDiskButton.setOnAction(e -> model.showWholeDisk());
        wholeDiskButton.managedProperty().bind(wholeDiskButton.visibleProperty());
        ToolBar bar = new ToolBar(title, toggles, wholeDiskButton, spring, summary, zoomOut, zoomIn);
        bar.setPadding(new Insets(4, 8, 4, 8));
        return bar;
    }

    /** The map's state and rules. */
    public MapModel model() {
        return model;
    }

    @Override
    public void show(InspectedImage image) {
        model.show(image);
    }

    @Override
    public void clear() {
        model.clear();
    }

    /** Maps a region of the disk at (up to) {@value MapModel#ZOOM_FACTOR} times the detail. */
    public void zoomInto(long start, long end) {
        model.zoomInto(start, end);
    }

    /** Switches between the guest-disk map and the host-file map (the toolbar's toggle). */
    public void viewHostFile(boolean hostFile) {
        model.hostViewProperty().set(hostFile);
    }

    /** The host-file map, once computed (null before); for tests. */
    public CellMap<HostKind> hostMap() {
        return model.hostMap();
    }

    /**
     * Outlines the cells of the guest map that hold any of {@code ranges} (guest [start, end) bytes: a file's
     * clusters), switching to the guest map; they stay outlined as the map is zoomed or rescanned. Empty clears.
     */
    public void highlight(java.util.List<long[]> ranges) {
        model.outline(new MapModel.Outline(ranges, "", null));
    }

    /** Adds what the guest keeps in a cell's guest bytes [start, end) to its tooltip. */
    public void setCellNotes(java.util.function.BiFunction<Long, Long, String> notes) {
        canvas.setNotes(cell -> {
            MapModel.Shown shown = model.shownProperty().get();
            if (shown == null || !(shown.source() instanceof GuestCells guest)) {
                return "";
            }
            MapGeometry g = guest.map().geometry();
            return notes.apply(g.cellStart(cell), g.cellEnd(cell));
        });
    }

    /** The outlined cells; for tests. */
    public java.util.BitSet highlightedCells() {
        return canvas.highlighted();
    }

    private void applyHighlight() {
        java.util.BitSet cells = new java.util.BitSet();
        MapModel.Shown shown = model.shownProperty().get();
        MapModel.Outline outline = model.outlineProperty().get();
        boolean applies = outline.appliesTo(model.image());
        outlineCaption.setText(applies ? outline.caption() : "");
        if (applies && shown != null && shown.source() instanceof GuestCells guest) {
            MapGeometry g = guest.map().geometry();
            for (long[] r : outline.ranges()) {
                long from = Math.max(r[0], g.origin());
                long to = Math.min(r[1], g.end());
                if (from < to) {
                    cells.set(g.cellOf(from), g.cellOf(to - 1) + 1);
                }
            }
        }
        canvas.setHighlighted(cells);
    }

    /** The guest map currently shown (null until the scan finished); for tests and the status bar. */
    public CellMap<GuestStatus> guestMap() {
        return model.guestMap();
    }
}
