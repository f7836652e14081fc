package qcowdesk.app.lifecycle;

import javafx.geometry.Insets;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.TextField;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.stage.FileChooser;
import qcowdesk.app.background.BackgroundTask;

import java.io.File;

/**
 * The "Space & operations" tab: the space bar, buttons for compact, convert, resize and compare, and the internal
 * snapshots with create, revert and delete.
 */
public final class LifecycleView extends VBox {

    public static final String PREVIEW_ID = "compact-preview";
    public static final String COMPACT_ID = "compact";
    public static final String CONVERT_ID = "convert";
    public static final String COMPARE_ID = "compare";
    public static final String RESIZE_ID = "resize";
    public static final String SIZE_FIELD_ID = "resize-size";
    public static final String CANCEL_ID = "operation-cancel";
    public static final String STATUS_ID = "operation-status";

    public LifecycleView(LifecycleModel model) {
        setSpacing(10);
        setPadding(new Insets(12));
        SpaceBar bar = new SpaceBar();
        model.spaceProperty().addListener((obs, old, now) -> bar.show(now));
        bar.show(model.spaceProperty().get());

        Button preview = button(PREVIEW_ID, "Preview compact", model::previewCompact);
        Button compact = button(COMPACT_ID, "Compact", model::compact);
        CheckBox compress = new CheckBox("compressed");
        Button convert = button(CONVERT_ID, "Convert…", () -> {
            File file = chooser("Convert to").showSaveDialog(getScene().getWindow());
            if (file != null) {
                model.convert(file.toPath(), compress.isSelected());
            }
        });
        Button compare = button(COMPARE_ID, "Compare with…", () -> {
            File file = chooser("Compare with").showOpenDialog(getScene().getWindow());
            if (file != null) {
                model.compare(file.toPath());
            }
        });
        TextField size = new TextField();
        size.setId(SIZE_FIELD_ID);
        size.setPromptText("new size in bytes, or 20G");
        CheckBox shrink = new CheckBox("allow shrinking");
        Button resize = button(RESIZE_ID, "Resize", () -> model.resize(size.getText(), shrink.isSelected()));

        ProgressBar progress = new ProgressBar(0);
        progress.setPrefWidth(260);
        Button cancel = button(CANCEL_ID, "Cancel", model::cancel);
        Label status = new Label();
        status.setId(STATUS_ID);
        status.setWrapText(true);
        status.setMinHeight(Region.USE_PREF_SIZE);
        status.textProperty().bind(model.statusProperty());
        model.operationProperty().addListener((obs, old, now) -> {
            progress.progressProperty().unbind();
            if (now != null) {
                progress.progressProperty().bind(((BackgroundTask<?>) now).progressProperty());
            } else {
                progress.setProgress(0);
            }
        });
        for (Button b : new Button[] {preview, compact, convert, compare, resize}) { // snapshots bind their own
            b.disableProperty().bind(model.busyProperty().or(model.imageProperty().isNull()));
        }
        cancel.disableProperty().bind(model.busyProperty().not());
        progress.visibleProperty().bind(model.busyProperty());
        cancel.visibleProperty().bind(model.busyProperty());

        Label compactNote = new Label("Compact rewrites the image beside it, checks the copy and swaps it in only "
                + "then; images in use, with snapshots or bitmaps are refused.");
        compactNote.setWrapText(true);
        compactNote.setMinHeight(Region.USE_PREF_SIZE); // in the fixed-width column, wrap rather than cut
        VBox operations = new VBox(10, new HBox(8, preview, compact), compactNote,
                new HBox(8, convert, compress, compare),
                new HBox(8, size, shrink, resize),
                new HBox(8, progress, cancel), status);
        // A wrapping label asks for its whole text's width; fixing the column's width keeps room for the snapshots.
        operations.setMinWidth(460);
        operations.setPrefWidth(460);
        operations.setMaxWidth(460);
        SnapshotsPane snapshots = new SnapshotsPane(model);
        HBox.setHgrow(snapshots, Priority.ALWAYS);
        getChildren().addAll(new Label("Where the file's space goes"), bar, new HBox(24, operations, snapshots));
    }

    static Button button(String id, String text, Runnable action) {
        Button b = new Button(text);
        b.setId(id);
        b.setOnAction(e -> action.run());
        return b;
    }

    private static FileChooser chooser(String title) {
        FileChooser chooser = new FileChooser();
        chooser.setTitle(title);
        return chooser;
    }
}
