package qcowdesk.app.newimage;

import atlantafx.base.theme.Styles;
import javafx.event.ActionEvent;
import javafx.geometry.Insets;
import javafx.scene.control.Button;
import javafx.scene.control.ButtonBar;
import javafx.scene.control.ButtonType;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Dialog;
import javafx.scene.control.Label;
import javafx.scene.control.TextField;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.stage.Window;
import javafx.util.StringConverter;
import qcowdesk.app.inspect.Sizes;
import qcowdesk.app.library.ImageItem;
import qcowdesk.app.library.ImageFileChoosers;
import qcowdesk.app.newimage.NewImageForm;
import qcowdesk.engine.EngineException;

import java.io.File;

/** New image…: file, size, cluster size, version and an optional backing file. Errors stay in the dialog. */
public final class NewImageDialog extends Dialog<ImageItem> {

    static final String FILE_ID = "new-file";
    static final String SIZE_ID = "new-size";
    static final String ERROR_ID = "new-error";
    static final ButtonType CREATE = new ButtonType("Create", ButtonBar.ButtonData.OK_DONE);

    public NewImageDialog(Window owner, NewImageModel model) {
        initOwner(owner);
        setTitle("New image");
        setHeaderText("Create a new QCOW2 image");

        TextField file = new TextField();
        file.setId(FILE_ID);
        file.setPromptText("/path/to/disk.qcow2");
        Button chooseFile = new Button("Choose…");
        chooseFile.setOnAction(event -> {
            File chosen = ImageFileChoosers.save("New image").showSaveDialog(owner);
            if (chosen != null) {
                file.setText(chosen.getPath());
            }
        });
        TextField size = new TextField("10G");
        size.setId(SIZE_ID);
        ComboBox<Integer> clusterSize = new ComboBox<>();
        clusterSize.getItems().setAll(NewImageForm.CLUSTER_SIZES);
        clusterSize.setValue(NewImageForm.DEFAULT_CLUSTER_SIZE);
        clusterSize.setConverter(new StringConverter<>() {
            @Override
            public String toString(Integer bytes) {
                return bytes == null ? "" : Sizes.human(bytes);
            }

            @Override
            public Integer fromString(String text) {
                return null;
            }
        });
        ComboBox<Integer> version = new ComboBox<>();
        version.getItems().setAll(NewImageForm.VERSIONS);
        version.setValue(3);
        TextField backing = new TextField();
        backing.setPromptText("none");
        Button chooseBacking = new Button("Choose…");
        chooseBacking.setOnAction(event -> {
            File chosen = ImageFileChoosers.open("Backing file").showOpenDialog(owner);
            if (chosen != null) {
                backing.setText(chosen.getPath());
            }
        });
        Label error = new Label();
        error.setId(ERROR_ID);
        error.setWrapText(true);
        error.setMaxWidth(480);
        error.getStyleClass().add(Styles.DANGER);

        GridPane form = new GridPane();
        form.setHgap(10);
        form.setVgap(10);
        form.setPadding(new Insets(10));
        form.addRow(0, new Label("File"), grow(file, chooseFile));
        form.addRow(1, new Label("Virtual size"), size);
        form.addRow(2, new Label("Cluster size"), clusterSize);
        form.addRow(3, new Label("QCOW2 version"), version);
        form.addRow(4, new Label("Backing file"), grow(backing, chooseBacking));
        form.add(error, 0, 5, 2, 1);
        form.setPrefWidth(520);
        getDialogPane().setContent(form);
        getDialogPane().getButtonTypes().setAll(CREATE, ButtonType.CANCEL);

        Button create = (Button) getDialogPane().lookupButton(CREATE);
        create.addEventFilter(ActionEvent.ACTION, event -> {
            event.consume();
            try {
                create.setDisable(true);
                model.create(NewImageForm.parse(file.getText(), size.getText(), clusterSize.getValue(),
                        version.getValue(), backing.getText()), item -> {
                    setResult(item);
                    close();
                }, failure -> {
                    create.setDisable(false);
                    error.setText(failure.message());
                });
            } catch (EngineException e) {
                create.setDisable(false);
                error.setText(e.getMessage());
            }
        });
        setResultConverter(button -> null);
    }

    private static HBox grow(TextField field, Button button) {
        HBox row = new HBox(6, field, button);
        HBox.setHgrow(field, Priority.ALWAYS);
        return row;
    }
}
