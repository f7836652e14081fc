package qcowdesk.app.hex;

import javafx.animation.KeyFrame;
import javafx.animation.Timeline;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.ListView;
import javafx.scene.control.TextField;
import javafx.scene.control.ToolBar;
import javafx.scene.control.Tooltip;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyEvent;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.util.Duration;
import qcowdesk.app.inspect.InspectedImage;
import qcowdesk.app.inspect.InspectionView;
import qcowdesk.app.inspect.Sizes;
import qcowdesk.app.background.TaskExecutor;
import qcowdesk.app.background.TaskSlot;

/**
 * Sector viewer: LBA and offset navigation, a hex+ASCII dump of the sector, where it is stored, and a
 * forward search for bytes or text. Reads and searches run in background tasks.
 */
public class HexPane extends BorderPane implements InspectionView {

    /** How often a live image's shown sector is checked for client writes: a few re-reads a second at most. */
    static final Duration LIVE_PERIOD = Duration.millis(250);

    private final TextField lbaField = new TextField();
    private final TextField offsetField = new TextField();
    private final Button previous = new Button("◀");
    private final Button next = new Button("▶");
    private final Button reload = new Button("Reload");
    private final Label position = new Label();
    private final ListView<String> dump = new ListView<>();
    private final HexRowCell.MatchRange match = new HexRowCell.MatchRange();
    private final Label mapping = new Label();
    private final Label title = new Label("No image selected");
    private final TextField patternField = new TextField();
    private final ChoiceBox<String> patternKind = new ChoiceBox<>();
    private final Button find = new Button("Find next");
    private final Button cancelSearch = new Button("Cancel");
    private final ProgressBar searchProgress = new ProgressBar(0);
    private final Label status = new Label();
    private final Timeline liveTimer = new Timeline(new KeyFrame(LIVE_PERIOD, e -> refreshLive()));

    private InspectedImage image;
    /** Watches the shown sector of a live image (null otherwise). */
    private LiveSector live;
    private HexModel model;
    private final TaskSlot reading;
    private final TaskSlot searching;
    private SectorView shown;
    /** Bytes of the last pattern searched for, to highlight a whole match. */
    private int lastPatternLength = 1;

    /** Reads and searches run on {@code executor}. */
    public HexPane(TaskExecutor executor) {
        reading = new TaskSlot(executor);
        searching = new TaskSlot(executor);
        getStyleClass().add("inspection-view");
        dump.setCellFactory(list -> new HexRowCell(match));
        dump.setFixedCellSize(20);
        dump.setPlaceholder(new Label(""));
        mapping.setWrapText(true);
        setTop(navigation());
        setCenter(dump);
        status.setPadding(new Insets(0, 8, 6, 8));
        status.setWrapText(true);
        // Room for one line even when empty, so a message does not shrink the dump under a scrolled-to row.
        status.setMinHeight(26);
        setBottom(new VBox(4, mappingRow(), searchBar(), status));
        addEventFilter(KeyEvent.KEY_PRESSED, this::shortcut);
        liveTimer.setCycleCount(Timeline.INDEFINITE);
        clear();
    }

    /** Alt+Left/Right: previous/next sector; F5: read again (live images also re-read by themselves); F3: find next; Ctrl+F: to the search field. */
    private void shortcut(KeyEvent event) {
        if (event.isAltDown() && event.getCode() == KeyCode.RIGHT) {
            go(() -> model.next());
        } else if (event.isAltDown() && event.getCode() == KeyCode.LEFT) {
            go(() -> model.previous());
        } else if (event.getCode() == KeyCode.F5) {
            go(this::load);
        } else if (event.getCode() == KeyCode.F3) {
            search();
        } else if (event.isShortcutDown() && event.getCode() == KeyCode.F) {
            patternField.requestFocus();
        } else {
            return;
        }
        event.consume();
    }

    private ToolBar navigation() {
        title.getStyleClass().add("title-4");
        lbaField.setPrefColumnCount(10);
        lbaField.setPromptText("sector (LBA)");
        lbaField.setTooltip(new Tooltip("Sector number in the device's sector size; decimal or 0x hex. Enter to go."));
        lbaField.setOnAction(e -> go(() -> model.goToLba(HexModel.parseNumber(lbaField.getText(), "sector number"))));
        offsetField.setPrefColumnCount(11);
        offsetField.setPromptText("byte offset");
        offsetField.setTooltip(new Tooltip("Guest byte offset; decimal or 0x hex. Enter to go."));
        offsetField.setOnAction(e -> go(() -> model.goToOffset(HexModel.parseNumber(offsetField.getText(), "byte offset"))));
        previous.setTooltip(new Tooltip("Previous sector (Alt+Left)"));
        previous.setOnAction(e -> go(() -> model.previous()));
        next.setTooltip(new Tooltip("Next sector (Alt+Right)"));
        next.setOnAction(e -> go(() -> model.next()));
        reload.setTooltip(new Tooltip("Read the sector again, e.g. after clients wrote to the device (F5)"));
        reload.setOnAction(e -> go(this::load));
        return new ToolBar(title, previous, new Label("LBA"), lbaField, next, new Label("Offset"), offsetField, position, reload);
    }

    private HBox mappingRow() {
        Label label = new Label("Stored as:");
        label.getStyleClass().add("text-bold");
        HBox row = new HBox(6, label, mapping);
        row.setPadding(new Insets(4, 8, 0, 8));
        return row;
    }

    private HBox searchBar() {
        patternKind.getItems().addAll("Hex bytes", "Text");
        patternKind.setValue("Hex bytes");
        patternField.setPromptText("de ad be ef");
        patternKind.valueProperty().addListener((obs, old, kind) -> patternField.setPromptText(kind.equals("Text") ? "text" : "de ad be ef"));
        HBox.setHgrow(patternField, Priority.ALWAYS);
        patternField.setOnAction(e -> search());
        find.setOnAction(e -> search());
        find.setTooltip(new Tooltip("Search forward from the current sector (F3)"));
        cancelSearch.setOnAction(e -> {
            if (searching.busy()) {
                searching.cancel();
                searchRunning(false);
                status.setText("Search cancelled");
            }
        });
        searchProgress.setPrefWidth(160);
        HBox bar = new HBox(6, new Label("Search"), patternKind, patternField, find, searchProgress, cancelSearch);
        bar.getChildren().forEach(node -> {
            if (node instanceof Region region && node != patternField) {
                region.setMinWidth(Region.USE_PREF_SIZE);
            }
        });
        bar.setAlignment(Pos.CENTER_LEFT);
        bar.setPadding(new Insets(4, 8, 6, 8));
        return bar;
    }

    @Override
    public void show(InspectedImage image) {
        clear();
        this.image = image;
        this.model = new HexModel(image.disk().size(), image.sectorSize());
        title.setText(image.name());
        setDisable(false);
        model.lbaProperty().addListener((obs, old, lba) -> load());
        if (image.live()) {
            live = new LiveSector(image.disk());
            liveTimer.play();
        }
        load();
    }

    @Override
    public void clear() {
        liveTimer.stop();
        if (live != null) {
            live.close();
            live = null;
        }
        reading.cancel();
        searching.cancel();
        image = null;
        model = null;
        shown = null;
        title.setText("No image selected");
        dump.getItems().clear();
        mapping.setText("");
        position.setText("");
        status.setText("");
        lbaField.clear();
        offsetField.clear();
        searchRunning(false);
        setDisable(true);
    }

    /** The model of the image shown (null when none); for tests and the main window's shortcuts. */
    public HexModel model() {
        return model;
    }

    /** The sector on screen (null while the first read runs). */
    public SectorView shownSector() {
        return shown;
    }

    private void go(Runnable move) {
        if (model == null) {
            return;
        }
        try {
            status.setText("");
            move.run();
        } catch (IllegalArgumentException e) {
            status.setText(e.getMessage());
        }
    }

    private void load() {
        InspectedImage current = image;
        long lba = model.lba();
        int sectorSize = model.sectorSize();
        if (live != null) {
            // Watch before reading: a write racing with the read then only causes one more read.
            live.watch(lba * sectorSize, sectorSize);
        }
        reading.start("Reading sector " + lba, progress -> SectorReader.read(current.disk(), lba, sectorSize), this::display,
                failure -> status.setText("Cannot read sector " + lba + ": " + failure.getMessage()));
    }

    /** Re-reads the shown sector when clients changed its clusters; at most once per tick of the timer. */
    private void refreshLive() {
        if (live == null || !live.takeStale()) {
            return;
        }
        if (reading.busy()) {
            live.markStale(); // a read is under way: try again on the next tick rather than cancel it
            return;
        }
        load();
    }

    private void display(SectorView sector) {
        shown = sector;
        int found = model.matchInSector();
        match.start = found < 0 ? 0 : found;
        match.end = found < 0 ? 0 : Math.min(sector.bytes().length, found + lastPatternLength);
        dump.getItems().setAll(HexRows.rows(sector.offset(), sector.bytes()));
        int top = Math.max(0, found / HexRows.BYTES_PER_ROW - 3);
        // Lay the new rows out first: scrolling a list whose cells are not measured yet stops short of the end.
        dump.applyCss();
        dump.layout();
        dump.scrollTo(top);
        mapping.setText(sector.mappingText());
        lbaField.setText(Long.toString(sector.lba()));
        offsetField.setText(Sizes.hex(sector.offset()));
        position.setText("of " + String.format("%,d", model.sectorCount()) + " × " + model.sectorSize() + " B");
        previous.setDisable(!model.hasPrevious());
        next.setDisable(!model.hasNext());
    }

    private void search() {
        if (model == null || searching.busy()) {
            return;
        }
        SearchPattern pattern;
        try {
            pattern = patternKind.getValue().equals("Text") ? SearchPattern.text(patternField.getText())
                    : SearchPattern.hex(patternField.getText());
        } catch (IllegalArgumentException e) {
            status.setText(e.getMessage());
            return;
        }
        find(pattern);
    }

    /** Searches forward from the current sector (after the last match in it) in the background. */
    public void find(SearchPattern pattern) {
        if (model == null || searching.busy()) {
            return;
        }
        InspectedImage current = image;
        lastPatternLength = pattern.bytes().length;
        long from = model.searchStart();
        long size = current.disk().size();
        status.setText("Searching for " + pattern.description() + " from " + Sizes.hex(from) + "…");
        searchRunning(true);
        var task = searching.start("Searching", progress -> PatternSearch.find(current.disk(), pattern, from,
                progress::isCancelled, reached -> progress.update(reached - from, size - from)), found -> {
            searchRunning(false);
            if (found < 0) {
                status.setText(pattern.description() + " not found after " + Sizes.hex(from));
                return;
            }
            status.setText("Found " + pattern.description() + " at " + Sizes.hex(found) + " (sector " + found / model.sectorSize() + ")");
            long before = model.lba();
            model.found(found);
            if (model.lba() == before) {
                load(); // same sector: no LBA change to trigger the reload that shows the highlight
            }
        }, failure -> {
            searchRunning(false);
            status.setText("Search failed: " + failure.getMessage());
        });
        if (searching.busy()) {
            searchProgress.progressProperty().bind(task.progressProperty());
        }
    }

    private void searchRunning(boolean running) {
        searchProgress.setVisible(running);
        cancelSearch.setDisable(!running);
        find.setDisable(running);
        if (!running) {
            searchProgress.progressProperty().unbind();
        }
    }
}
