package qcowdesk.app.lifecycle;

import javafx.beans.binding.BooleanBinding;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.scene.control.Alert;
import javafx.scene.control.Button;
import javafx.scene.control.ButtonBar;
import javafx.scene.control.ButtonType;
import javafx.scene.control.Label;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.control.TextInputDialog;
import javafx.scene.layout.HBox;
import javafx.scene.layout.VBox;
import qcowdesk.engine.qcow2.tools.ImageInfo;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import java.util.function.Function;

/**
 * The selected image's internal snapshots, with Create…, Revert to… and Delete. Reverting and deleting lose data
 * (the current state, or what only the snapshot holds), so each asks first and says what will be lost; the work
 * itself runs as one of the tab's cancellable background operations.
 */
final class SnapshotsPane extends VBox {

    static final String TABLE_ID = "snapshots";
    static final String CREATE_ID = "snapshot-create";
    static final String REVERT_ID = "snapshot-revert";
    static final String DELETE_ID = "snapshot-delete";
    static final String NAME_DIALOG_ID = "snapshot-name-dialog";
    static final String REVERT_DIALOG_ID = "snapshot-revert-dialog";
    static final String DELETE_DIALOG_ID = "snapshot-delete-dialog";

    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")
            .withZone(ZoneId.systemDefault());

    private final LifecycleModel model;
    private final TableView<ImageInfo.SnapshotInfo> table = new TableView<>();

    SnapshotsPane(LifecycleModel model) {
        this.model = model;
        setSpacing(6);
        setMinWidth(380);
        table.setId(TABLE_ID);
        table.setItems(model.snapshots());
        table.setPrefHeight(130);
        table.setPrefWidth(300);
        table.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY);
        table.setPlaceholder(new Label("No internal snapshots"));
        table.getColumns().add(column("ID", 40, ImageInfo.SnapshotInfo::id));
        table.getColumns().add(column("Name", 150, ImageInfo.SnapshotInfo::name));
        table.getColumns().add(column("Date", 150, s -> DATE.format(Instant.ofEpochSecond(s.dateSec()))));

        Button create = LifecycleView.button(CREATE_ID, "Create snapshot…", this::create);
        Button revert = LifecycleView.button(REVERT_ID, "Revert to…", this::revert);
        Button delete = LifecycleView.button(DELETE_ID, "Delete", this::delete);
        BooleanBinding idle = model.busyProperty().or(model.imageProperty().isNull());
        create.disableProperty().bind(idle);
        BooleanBinding noSelection = table.getSelectionModel().selectedItemProperty().isNull();
        revert.disableProperty().bind(idle.or(noSelection));
        delete.disableProperty().bind(idle.or(noSelection));
        Label note = new Label("Kept inside the image file; qemu-img snapshot reads them too.");
        note.setWrapText(true);
        getChildren().addAll(new Label("Internal snapshots"), table, new HBox(8, create, revert, delete), note);
    }

    private void create() {
        TextInputDialog dialog = new TextInputDialog();
        dialog.initOwner(getScene().getWindow());
        dialog.setTitle("Create snapshot");
        dialog.setHeaderText("Save the disk as it is now as a snapshot inside " + imageName() + ".");
        dialog.setContentText("Name:");
        dialog.getDialogPane().setId(NAME_DIALOG_ID);
        dialog.showAndWait().ifPresent(model::createSnapshot);
    }

    private void revert() {
        ImageInfo.SnapshotInfo s = table.getSelectionModel().getSelectedItem();
        if (confirm(REVERT_DIALOG_ID, "Revert to snapshot", "Revert " + imageName() + " to snapshot '" + s.name()
                + "' (" + DATE.format(Instant.ofEpochSecond(s.dateSec())) + ")?",
                "The disk's current state is discarded: everything written since that snapshot is lost, unless "
                        + "another snapshot holds it. Create a snapshot first to keep it.", "Revert")) {
            model.revertToSnapshot(s);
        }
    }

    private void delete() {
        ImageInfo.SnapshotInfo s = table.getSelectionModel().getSelectedItem();
        if (confirm(DELETE_DIALOG_ID, "Delete snapshot", "Delete snapshot '" + s.name() + "' of " + imageName()
                + "?", "The disk as it was then can no longer be restored; space only this snapshot held is freed. "
                + "The current state of the disk does not change.", "Delete")) {
            model.deleteSnapshot(s);
        }
    }

    private boolean confirm(String id, String title, String header, String text, String action) {
        ButtonType go = new ButtonType(action, ButtonBar.ButtonData.OK_DONE);
        Alert alert = new Alert(Alert.AlertType.CONFIRMATION, text, go, ButtonType.CANCEL);
        alert.initOwner(getScene().getWindow());
        alert.setTitle(title);
        alert.setHeaderText(header);
        alert.getDialogPane().setId(id);
        // The safe choice is the default: Enter cancels.
        ((Button) alert.getDialogPane().lookupButton(go)).setDefaultButton(false);
        ((Button) alert.getDialogPane().lookupButton(ButtonType.CANCEL)).setDefaultButton(true);
        Optional<ButtonType> answer = alert.showAndWait();
        return answer.isPresent() && answer.get() == go;
    }

    private String imageName() {
        return model.imageProperty().get() == null ? "the image" : model.imageProperty().get().name();
    }

    private static TableColumn<ImageInfo.SnapshotInfo, String> column(String title, double width,
                                                                    Function<ImageInfo.SnapshotInfo, String> value) {
        TableColumn<ImageInfo.SnapshotInfo, String> c = new TableColumn<>(title);
        c.setPrefWidth(width);
        c.setCellValueFactory(cell -> new ReadOnlyStringWrapper(value.apply(cell.getValue())));
        return c;
    }
}
