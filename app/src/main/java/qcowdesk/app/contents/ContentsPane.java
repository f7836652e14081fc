package qcowdesk.app.contents;

import java.nio.file.Path;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Consumer;

import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.geometry.Insets;
import javafx.geometry.Orientation;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.SplitPane;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.control.TextArea;
import javafx.scene.control.ToolBar;
import javafx.scene.control.TreeItem;
import javafx.scene.control.TreeTableColumn;
import javafx.scene.control.TreeTableView;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.HBox;
import javafx.scene.layout.VBox;
import javafx.stage.DirectoryChooser;
import qcowdesk.app.background.Jobs;
import qcowdesk.app.inspect.InspectedImage;
import qcowdesk.app.inspect.InspectionView;
import qcowdesk.app.inspect.Sizes;
import qcowdesk.engine.contents.fs.FileNode;
import qcowdesk.engine.contents.fs.ModeText;
import qcowdesk.engine.contents.space.SpaceEntry;
import qcowdesk.engine.contents.space.SpaceReport;

/**
 * The Contents tab: the partitions to scale, the files of the selected one (lazy tree: name, size, modified,
 * mode), a preview, Extract…, Show on map, and a Space view of what the image's clusters hold.
 */
public final class ContentsPane extends BorderPane implements InspectionView {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm")
            .withZone(ZoneId.systemDefault());

    private final ContentsModel model;
    private final TreeTableView<FileNode> tree = new TreeTableView<>();
    private final TableView<SpaceEntry> spaceTable = new TableView<>();
    private final Label spaceSummary = new Label("Compute to see which files hold the image's clusters.");
    private final Consumer<List<long[]>> showOnMap;
    /** Asks where to extract to; a dialog in the app, a fixed folder in tests. */
    private BiFunction<javafx.stage.Window, FileNode, Path> destination = (window, node) -> {
        DirectoryChooser chooser = new DirectoryChooser();
        chooser.setTitle("Extract " + node.path() + " to");
        java.io.File dir = chooser.showDialog(window);
        return dir == null ? null : dir.toPath();
    };

    /**
     * @param showOnMap receives the guest byte ranges of the selected file: the window outlines them on the map
     */
    public ContentsPane(Jobs jobs, Consumer<List<long[]>> showOnMap) {
        this.model = new ContentsModel(jobs);
        this.showOnMap = showOnMap;
        getStyleClass().add("inspection-view");
        setId("contents-pane");
        PartitionBar bar = new PartitionBar(model, model::select);
        Label message = new Label();
        message.setWrapText(true);
        message.textProperty().bind(model.messageProperty());
        message.managedProperty().bind(message.textProperty().isNotEmpty());
        message.setId("contents-message");
        VBox top = new VBox(4, bar, message);
        top.setPadding(new Insets(6));
        setTop(top);
        TabPane views = new TabPane(new Tab("Files", files()), new Tab("Space", space()));
        views.setTabClosingPolicy(TabPane.TabClosingPolicy.UNAVAILABLE);
        setCenter(views);
        model.filesystemProperty().addListener((obs, old, fs) -> {
            if (fs == null) {
                tree.setRoot(null);
            } else {
                FileTreeItem root = new FileTreeItem(model, fs.root());
                tree.setRoot(root);
                root.setExpanded(true);
            }
        });
    }

    public ContentsModel model() {
        return model;
    }

    public TreeTableView<FileNode> tree() {
        return tree;
    }

    /** Replaces the folder chooser (tests: no native dialogs headless). */
    public void setDestinationChooser(BiFunction<javafx.stage.Window, FileNode, Path> chooser) {
        this.destination = chooser;
    }

    private BorderPane files() {
        TreeTableColumn<FileNode, String> name = new TreeTableColumn<>("Name");
        name.setCellValueFactory(c -> new ReadOnlyStringWrapper(c.getValue().getValue() == null ? "…"
                : c.getValue().getValue().name().isEmpty() ? "/" : c.getValue().getValue().name()));
        name.setPrefWidth(260);
        TreeTableColumn<FileNode, Long> size = new TreeTableColumn<>("Size");
        size.setCellValueFactory(c -> new ReadOnlyObjectWrapper<>(c.getValue().getValue() == null ? null
                : c.getValue().getValue().size()));
        size.setCellFactory(column -> new javafx.scene.control.TreeTableCell<>() {
            @Override
            protected void updateItem(Long item, boolean empty) {
                super.updateItem(item, empty);
                setText(empty || item == null ? "" : Sizes.human(item));
            }
        });
        TreeTableColumn<FileNode, String> modified = new TreeTableColumn<>("Modified");
        modified.setCellValueFactory(c -> new ReadOnlyStringWrapper(c.getValue().getValue() == null ? ""
                : TIME.format(c.getValue().getValue().modified())));
        modified.setPrefWidth(130);
        TreeTableColumn<FileNode, String> mode = new TreeTableColumn<>("Mode");
        mode.setCellValueFactory(c -> new ReadOnlyStringWrapper(c.getValue().getValue() == null ? ""
                : ModeText.of(c.getValue().getValue().type(), c.getValue().getValue().mode())));
        mode.setPrefWidth(100);
        tree.getColumns().setAll(List.of(name, size, modified, mode));
        tree.setId("contents-tree");
        tree.getSelectionModel().selectedItemProperty().addListener((obs, old, item) ->
                model.preview(item == null ? null : item.getValue()));
        TextArea preview = new TextArea();
        preview.setEditable(false);
        preview.setId("contents-preview");
        preview.setStyle("-fx-font-family: monospace;");
        preview.textProperty().bind(model.previewProperty());
        SplitPane split = new SplitPane(tree, preview);
        split.setOrientation(Orientation.HORIZONTAL);
        split.setDividerPositions(0.62);
        Button extract = new Button("Extract…");
        extract.setId("contents-extract");
        extract.setOnAction(e -> extractSelected());
        Button show = new Button("Show on map");
        show.setId("contents-show-on-map");
        show.setOnAction(e -> {
            FileNode node = selected();
            if (node != null) {
                model.ranges(node, showOnMap);
            }
        });
        extract.disableProperty().bind(tree.getSelectionModel().selectedItemProperty().isNull());
        show.disableProperty().bind(tree.getSelectionModel().selectedItemProperty().isNull());
        BorderPane pane = new BorderPane(split);
        pane.setTop(new ToolBar(extract, show));
        return pane;
    }

    private FileNode selected() {
        TreeItem<FileNode> item = tree.getSelectionModel().getSelectedItem();
        return item == null ? null : item.getValue();
    }

    private void extractSelected() {
        FileNode node = selected();
        if (node == null) {
            return;
        }
        Path dest = destination.apply(getScene() == null ? null : getScene().getWindow(), node);
        if (dest != null) {
            model.extract(node, dest, result -> model.messageOr("Extracted " + result.files() + " files, "
                    + result.directories() + " directories, " + result.symlinks() + " symlinks ("
                    + Sizes.human(result.bytes()) + ") to " + dest
                    + (result.problems().isEmpty() ? "" : "; " + result.problems().size() + " could not be: "
                    + result.problems().get(0))));
        }
    }

    private BorderPane space() {
        TableColumn<SpaceEntry, String> path = new TableColumn<>("Directory or file");
        path.setCellValueFactory(c -> new ReadOnlyStringWrapper(c.getValue().path()
                + (c.getValue().directory() && !c.getValue().path().equals("/") ? "/" : "")));
        path.setPrefWidth(380);
        TableColumn<SpaceEntry, String> bytes = new TableColumn<>("Allocated in the image");
        bytes.setCellValueFactory(c -> new ReadOnlyStringWrapper(Sizes.human(c.getValue().allocatedBytes())));
        bytes.setPrefWidth(170);
        spaceTable.getColumns().setAll(List.of(path, bytes));
        spaceTable.setId("contents-space");
        Button compute = new Button("Compute");
        compute.setId("contents-space-compute");
        compute.setOnAction(e -> model.computeSpace("/"));
        model.spaceProperty().addListener((obs, old, report) -> showSpace(report));
        Region spring = new Region();
        HBox.setHgrow(spring, Priority.ALWAYS);
        spaceSummary.setWrapText(true);
        BorderPane pane = new BorderPane(spaceTable);
        pane.setTop(new VBox(new ToolBar(compute, spring), spaceSummary));
        return pane;
    }

    private void showSpace(SpaceReport r) {
        if (r == null) {
            spaceTable.getItems().clear();
            spaceSummary.setText("Compute to see which files hold the image's clusters.");
            return;
        }
        spaceTable.getItems().setAll(r.entries());
        spaceSummary.setText("Stored in the image: " + Sizes.human(r.allocated()) + " — files "
                + Sizes.human(r.inFiles()) + ", filesystem metadata " + Sizes.human(r.inMetadata())
                + ", free in the filesystem but still stored " + Sizes.human(r.freeInFilesystem())
                + " (a trim in the guest, then Compact, gives it back), elsewhere " + Sizes.human(r.other()));
    }

    /** What a map cell's bytes hold, for its tooltip (known once Space was computed). */
    public String holders(long start, long end) {
        return model.holders(start, end);
    }

    @Override
    public void show(InspectedImage image) {
        model.show(image);
    }

    @Override
    public void clear() {
        model.clear();
    }
}
