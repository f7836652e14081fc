package qcowdesk.app.mount;

import java.io.File;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import javafx.scene.control.Button;
import javafx.scene.control.ButtonBar;
import javafx.scene.control.ButtonType;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Dialog;
import javafx.scene.control.Label;
import javafx.scene.control.TextField;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.stage.DirectoryChooser;
import javafx.stage.Window;
import qcowdesk.engine.device.DeviceInfo;

/** Asks which partition of a device to mount, on which folder, and whether read-only. */
public final class MountDialog implements MountQuestions {

    static final ButtonType MOUNT = new ButtonType("Mount", ButtonBar.ButtonData.OK_DONE);

    private final Window owner;

    public MountDialog(Window owner) {
        this.owner = owner;
    }

    @Override
    public Optional<MountChoice> ask(DeviceInfo device, List<MountTarget> targets, Path suggestedMountPoint) {
        Dialog<MountChoice> dialog = new Dialog<>();
        dialog.initOwner(owner);
        dialog.setTitle("Mount");
        dialog.setHeaderText("Mount a filesystem of " + device.unit() + " (" + device.fileName() + ")");
        ComboBox<MountTarget> partition = new ComboBox<>();
        partition.getItems().addAll(targets);
        partition.getSelectionModel().select(0);
        partition.setId("mount-partition");
        TextField folder = new TextField(suggestedMountPoint.toString());
        folder.setId("mount-folder");
        HBox.setHgrow(folder, Priority.ALWAYS);
        Button browse = new Button("Browse…");
        browse.setOnAction(event -> {
            DirectoryChooser chooser = new DirectoryChooser();
            chooser.setTitle("Mount point");
            File chosen = chooser.showDialog(dialog.getDialogPane().getScene().getWindow());
            if (chosen != null) {
                folder.setText(chosen.getPath());
            }
        });
        CheckBox readOnly = new CheckBox("Read-only (a read-only device always mounts read-only; ext4 without "
                + "replaying its journal)");
        readOnly.setSelected(device.readOnly());
        readOnly.setDisable(device.readOnly());
        Label how = new Label("The owner mounts by the best route this machine has: the kernel NBD client, "
                + "else a FUSE file with a loop device (root), else udisks (which picks the folder itself).");
        how.setWrapText(true);
        how.setMaxWidth(520);
        GridPane grid = new GridPane();
        grid.setHgap(8);
        grid.setVgap(8);
        grid.addRow(0, new Label("Partition"), partition);
        grid.addRow(1, new Label("Mount on"), new HBox(6, folder, browse));
        grid.add(readOnly, 1, 2);
        grid.add(how, 0, 3, 2, 1);
        dialog.getDialogPane().setContent(grid);
        dialog.getDialogPane().getButtonTypes().addAll(MOUNT, ButtonType.CANCEL);
        dialog.getDialogPane().lookupButton(MOUNT).disableProperty().bind(folder.textProperty().isEmpty());
        dialog.setResultConverter(button -> button == MOUNT ? new MountChoice(partition.getValue().partition(),
                Path.of(folder.getText().strip()), readOnly.isSelected()) : null);
        return dialog.showAndWait();
    }
}
