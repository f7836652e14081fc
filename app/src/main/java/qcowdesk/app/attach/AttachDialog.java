package qcowdesk.app.attach;

import atlantafx.base.theme.Styles;
import javafx.application.Platform;
import javafx.beans.binding.BooleanBinding;
import javafx.beans.binding.Bindings;
import javafx.event.ActionEvent;
import javafx.geometry.Insets;
import javafx.scene.control.Button;
import javafx.scene.control.ButtonBar;
import javafx.scene.control.ButtonType;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Dialog;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressIndicator;
import javafx.scene.control.RadioButton;
import javafx.scene.control.ToggleGroup;
import javafx.scene.control.TextField;
import javafx.scene.layout.ColumnConstraints;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.stage.FileChooser;
import javafx.stage.Window;
import javafx.util.StringConverter;
import qcowdesk.app.library.ImageFileChoosers;
import qcowdesk.app.library.ImageItem;
import qcowdesk.app.library.ImageState;
import qcowdesk.app.library.LibraryModel;
import qcowdesk.engine.device.DeviceInfo;

import java.io.File;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The attach dialog. It stays open while the attach runs and shows engine errors inside itself, with the
 * engine's exact message, so the user can change the settings and try again.
 */
public final class AttachDialog extends Dialog<DeviceInfo> {

    static final String IMAGE_ID = "attach-image";
    static final String UNIT_ID = "attach-unit";
    static final String SNAPSHOT_ID = "attach-snapshot";
    static final String READ_ONLY_ID = "attach-read-only";
    static final String READ_WRITE_ID = "attach-read-write";
    static final String TEMPORARY_ID = "attach-temporary";
    static final String READ_ONLY_REASON_ID = "attach-read-only-reason";
    static final String SECTOR_SIZE_ID = "attach-sector-size";
    static final String PREVIEW_ID = "attach-preview";
    static final String SECTOR_SIZE_WARNING_ID = "attach-sector-size-warning";
    static final String ERROR_ID = "attach-error";
    static final String ATTACHED_ID = "attach-already-attached";
    static final String FILES_ID = "attach-files";
    static final String ALLOW_EXTERNAL_ID = "attach-allow-external-files";
    static final ButtonType ATTACH = new ButtonType("Attach", ButtonBar.ButtonData.OK_DONE);

    public AttachDialog(Window owner, AttachModel model, LibraryModel library) {
        initOwner(owner);
        setTitle("Attach an image");
        setHeaderText("Attach an image as an NBD block device");

        ComboBox<ImageItem> image = new ComboBox<>();
        image.setId(IMAGE_ID);
        image.setPromptText("Choose an image");
        image.getItems().setAll(library.images().filtered(item -> item.state() == ImageState.READY));
        image.setMaxWidth(Double.MAX_VALUE);
        image.valueProperty().addListener((observable, old, item) -> {
            if (item != null) {
                model.imageProperty().set(item.path());
            }
        });
        Button browse = new Button("Browse…");
        browse.setOnAction(event -> chooseFile(owner).ifPresent(path -> {
            image.setValue(null);
            image.setPromptText(path.toString());
            model.imageProperty().set(path);
        }));
        HBox imageRow = new HBox(6, image, browse);
        HBox.setHgrow(image, Priority.ALWAYS);

        TextField unit = new TextField();
        unit.setId(UNIT_ID);
        unit.textProperty().bindBidirectional(model.unitProperty());

        // read-write, read-only, or temporary writes; the model keeps read-only and temporary exclusive
        ToggleGroup access = new ToggleGroup();
        RadioButton readWrite = new RadioButton("Read-write");
        readWrite.setId(READ_WRITE_ID);
        readWrite.disableProperty().bind(model.readOnlyReasonProperty().isNotEmpty());
        RadioButton readOnly = new RadioButton("Read-only");
        readOnly.setId(READ_ONLY_ID);
        readOnly.selectedProperty().bindBidirectional(model.readOnlyProperty());
        RadioButton temporary = new RadioButton("Temporary — writes are discarded at detach unless you keep them");
        temporary.setId(TEMPORARY_ID);
        temporary.setWrapText(true);
        temporary.selectedProperty().bindBidirectional(model.temporaryProperty());
        for (RadioButton button : new RadioButton[] {readWrite, readOnly, temporary}) {
            button.setToggleGroup(access);
        }
        readWrite.setSelected(!model.readOnlyProperty().get() && !model.temporaryProperty().get());
        model.readOnlyProperty().addListener((observable, old, on) -> readWrite.setSelected(!on
                && !model.temporaryProperty().get()));
        model.temporaryProperty().addListener((observable, old, on) -> readWrite.setSelected(!on
                && !model.readOnlyProperty().get()));
        VBox accessChoices = new VBox(4, readWrite, readOnly, temporary);

        // the current state or one of the image's internal snapshots (read off the image in the background with
        // the rest of the choice); a snapshot is attached read-only, so the writable choices go grey
        ComboBox<AttachModel.SnapshotChoice> snapshot = new ComboBox<>();
        snapshot.setId(SNAPSHOT_ID);
        snapshot.getItems().setAll(AttachModel.SnapshotChoice.CURRENT);
        snapshot.setValue(AttachModel.SnapshotChoice.CURRENT);
        model.choiceProperty().addListener((observable, old, chosen) -> {
            snapshot.getItems().setAll(chosen == null ? List.of(AttachModel.SnapshotChoice.CURRENT)
                    : chosen.snapshots());
            snapshot.setValue(AttachModel.SnapshotChoice.CURRENT);
        });
        snapshot.valueProperty().addListener((observable, old, chosen) -> model.snapshotProperty().set(
                chosen == null ? AttachModel.SnapshotChoice.CURRENT : chosen));
        BooleanBinding snapshotChosen = Bindings.createBooleanBinding(() -> model.snapshotProperty().get() != null
                && model.snapshotProperty().get().name() != null, model.snapshotProperty());
        readWrite.disableProperty().unbind();
        readWrite.disableProperty().bind(model.readOnlyReasonProperty().isNotEmpty().or(snapshotChosen));
        temporary.disableProperty().bind(snapshotChosen);
        Label readOnlyReason = wrapped(READ_ONLY_REASON_ID, Styles.WARNING);
        readOnlyReason.textProperty().bind(model.readOnlyReasonProperty());
        readOnlyReason.managedProperty().bind(readOnlyReason.textProperty().isNotEmpty());

        ComboBox<Integer> sectorSize = new ComboBox<>();
        sectorSize.setId(SECTOR_SIZE_ID);
        sectorSize.getItems().setAll(AttachModel.SECTOR_SIZES);
        sectorSize.setConverter(new StringConverter<>() {
            @Override
            public String toString(Integer bytes) {
                return bytes == null ? "" : bytes + " bytes";
            }

            @Override
            public Integer fromString(String text) {
                return Integer.valueOf(text.replace(" bytes", ""));
            }
        });
        sectorSize.setValue(model.sectorSizeProperty().get());
        sectorSize.valueProperty().addListener((observable, old, size) -> model.sectorSizeProperty().set(size));

        Label sectorSizeWarning = wrapped(SECTOR_SIZE_WARNING_ID, Styles.WARNING);
        sectorSizeWarning.textProperty().bind(model.sectorSizeWarningProperty());
        sectorSizeWarning.managedProperty().bind(sectorSizeWarning.textProperty().isNotEmpty());

        Label preview = new Label();
        preview.setId(PREVIEW_ID);
        preview.textProperty().bind(model.previewBinding());
        Label attached = wrapped(ATTACHED_ID, Styles.WARNING);
        attached.textProperty().bind(Bindings.createStringBinding(() -> model.attachedAsProperty().get().isEmpty() ? ""
                : "This image is already attached as " + model.attachedAsProperty().get()
                + ": detach it first, or use that device.", model.attachedAsProperty()));
        attached.managedProperty().bind(attached.textProperty().isNotEmpty());
        Label error = wrapped(ERROR_ID, Styles.DANGER);
        error.textProperty().bind(model.errorProperty());
        error.managedProperty().bind(error.textProperty().isNotEmpty());
        ProgressIndicator working = new ProgressIndicator();
        working.setPrefSize(18, 18);
        working.visibleProperty().bind(model.workingProperty());

        GridPane form = new GridPane();
        form.setHgap(10);
        form.setVgap(10);
        form.setPadding(new Insets(10));
        // every file the image will open, and a consent naming those the external files policy refuses
        Label files = wrapped(FILES_ID, Styles.TEXT_SUBTLE);
        files.textProperty().bind(model.filesProperty());
        CheckBox allowExternal = new CheckBox();
        allowExternal.setId(ALLOW_EXTERNAL_ID);
        allowExternal.setWrapText(true);
        allowExternal.setMaxWidth(520);
        allowExternal.getStyleClass().add(Styles.WARNING);
        allowExternal.textProperty().bind(Bindings.concat("I trust this image: let it open\n",
                model.externalFilesProperty()));
        allowExternal.selectedProperty().bindBidirectional(model.allowExternalFilesProperty());
        allowExternal.visibleProperty().bind(model.externalFilesProperty().isNotEmpty());
        allowExternal.managedProperty().bind(allowExternal.visibleProperty());

        form.addRow(0, new Label("Image"), imageRow);
        form.addRow(1, new Label("Unit"), unit);
        form.addRow(2, new Label("Snapshot"), snapshot);
        form.addRow(3, new Label("Access"), accessChoices);
        form.add(readOnlyReason, 1, 4);
        form.addRow(5, new Label("Sector size"), sectorSize);
        form.add(sectorSizeWarning, 1, 6);
        form.addRow(7, new Label("Device"), new HBox(8, preview, working));
        form.add(attached, 0, 8, 2, 1);
        form.add(error, 0, 9, 2, 1);
        form.addRow(10, new Label("Files"), files);
        form.add(allowExternal, 1, 11);
        form.setPrefWidth(560);
        // the labels keep their width; the long access choices wrap instead
        ColumnConstraints labels = new ColumnConstraints();
        labels.setMinWidth(Region.USE_PREF_SIZE);
        form.getColumnConstraints().setAll(labels, new ColumnConstraints());
        getDialogPane().setContent(form);
        getDialogPane().getButtonTypes().setAll(ATTACH, ButtonType.CANCEL);

        Button attach = (Button) getDialogPane().lookupButton(ATTACH);
        attach.disableProperty().bind(Bindings.createBooleanBinding(() -> !model.canAttach(),
                model.choiceProperty(), model.workingProperty(), model.attachedAsProperty()));
        // Enter attaches: Attach is the default button and has the focus once an image is chosen, never Cancel
        attach.setDefaultButton(true);
        ((Button) getDialogPane().lookupButton(ButtonType.CANCEL)).setDefaultButton(false);
        model.choiceProperty().addListener((observable, old, chosen) -> {
            if (chosen != null && !attach.isDisabled()) {
                attach.requestFocus();
            }
        });
        // messages wrap inside the dialog, which grows to show them with its buttons
        for (Label message : new Label[] {readOnlyReason, sectorSizeWarning, attached, error}) {
            message.textProperty().addListener((observable, old, text) -> fitToContent());
        }
        // keep the dialog open until the engine has answered: failures are shown here, success closes it
        attach.addEventFilter(ActionEvent.ACTION, event -> {
            event.consume();
            model.attach(device -> {
                setResult(device);
                close();
            });
        });
        setResultConverter(button -> null);

        ImageItem selected = library.selected();
        if (selected != null && image.getItems().contains(selected)) {
            image.setValue(selected);
        }
    }

    private void fitToContent() {
        Platform.runLater(() -> {
            if (getDialogPane().getScene() != null && getDialogPane().getScene().getWindow() != null) {
                getDialogPane().getScene().getWindow().sizeToScene();
            }
        });
    }

    private static Label wrapped(String id, String style) {
        Label label = new Label();
        label.setId(id);
        label.setWrapText(true);
        label.setMaxWidth(520);
        // a width to wrap at, and a height that follows: the message is never cut off on the right
        label.setPrefWidth(520);
        label.setMinHeight(Region.USE_PREF_SIZE);
        label.getStyleClass().add(style);
        return label;
    }

    private static Optional<Path> chooseFile(Window owner) {
        FileChooser chooser = ImageFileChoosers.open("Choose an image to attach");
        File file = chooser.showOpenDialog(owner);
        return Optional.ofNullable(file).map(File::toPath);
    }
}
