package qcowdesk.app.devices;

import atlantafx.base.theme.Styles;
import javafx.collections.ListChangeListener;
import javafx.collections.MapChangeListener;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.TextField;
import javafx.scene.control.Tooltip;
import javafx.scene.input.Clipboard;
import javafx.scene.input.ClipboardContent;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import qcowdesk.bridge.mount.MountedFs;
import qcowdesk.engine.device.DeviceInfo;

import java.util.function.Function;

/**
 * The selected device in full: its image file, NBD URI and the commands that reach it (kernel client,
 * qemu-io, nbdfuse), and where its filesystems are mounted, each whole in a field that scrolls, with a button
 * that copies it.
 */
final class DeviceDetails extends VBox {

    static final String ID = "device-details";

    private final DevicesModel devices;
    private final Label title = new Label();
    /** Warnings about the device, above the rows: in the VBox, which gives them its width to wrap in. */
    private final VBox notes = new VBox(4);
    private final GridPane rows = new GridPane();

    DeviceDetails(DevicesModel devices) {
        this.devices = devices;
        setId(ID);
        setSpacing(6);
        setPadding(new Insets(8));
        title.getStyleClass().add(Styles.TEXT_BOLD);
        title.setWrapText(true);
        rows.setHgap(6);
        rows.setVgap(4);
        getChildren().addAll(title, notes, rows);
        devices.selectedProperty().addListener((observable, old, device) -> show(device));
        devices.lostFiles().addListener((MapChangeListener<String, String>) change -> show(devices.selectedProperty().get()));
        devices.repairs().addListener((MapChangeListener<String, String>) change -> show(devices.selectedProperty().get()));
        devices.mounts().addListener((ListChangeListener<MountedFs>) change -> show(devices.selectedProperty().get()));
        show(null);
    }

    private void show(DeviceInfo device) {
        rows.getChildren().clear();
        notes.getChildren().clear();
        if (device == null) {
            title.setText("Select a device (or an attached image) to see how clients reach it.");
            return;
        }
        title.setText(device.unit() + " · " + (device.snapshot() != null ? "read-only, snapshot " + device.snapshot()
                : device.readOnly() ? "read-only" : device.temporary() ? "temporary writes" : "read-write"));
        NbdAddress address = devices.address(device);
        int row = 0;
        String lost = devices.lostFiles().get(device.unit());
        if (lost != null) {
            note("detail-lost", lost + ": what clients write lives only in the open file and is lost at detach."
                    + " Detach… offers to save a copy first.", Styles.DANGER);
        }
        String repaired = devices.repairs().get(device.unit());
        if (repaired != null) {
            note("detail-repaired", "Repaired when attached: " + repaired, Styles.WARNING);
        }
        row = add(row, "Image file", "file", device, d -> d.fileName());
        // where its files are, before how clients reach it: what a person mounted it for
        int n = 0;
        for (MountedFs mount : devices.mountsOf(device.unit())) {
            String where = mount.mountPoint().toString();
            row = add(row, n == 0 ? "Mounted on" : "", "mount-" + ++n, device, d -> where);
            rows.add(new Label(DevicesView.howMounted(mount)), 1, row++);
        }
        row = add(row, "NBD URI", "uri", device, d -> address.uri());
        row = add(row, "Kernel client", "nbd-client", device, d -> address.kernelClientCommand());
        row = add(row, "qemu-io", "qemu-io", device, d -> address.qemuIoCommand());
        add(row, "nbdfuse", "nbdfuse", device, d -> address.nbdfuseCommand());
    }

    /**
     * A note wrapped to the pane's width: a wrapping label's preferred width is its whole text, so it is kept
     * small and allowed to grow, and the VBox gives it the width it has.
     */
    private void note(String id, String text, String style) {
        Label note = new Label(text);
        note.setId(id);
        note.setWrapText(true);
        note.setPrefWidth(1);
        note.setMaxWidth(Double.MAX_VALUE);
        note.setMinHeight(Region.USE_PREF_SIZE);
        note.getStyleClass().add(style);
        notes.getChildren().add(note);
    }

    private int add(int row, String name, String id, DeviceInfo device, Function<DeviceInfo, String> text) {
        String value = text.apply(device);
        TextField field = new TextField(value);
        field.setId("detail-" + id);
        field.setEditable(false);
        field.getStyleClass().add("nbd-uri");
        GridPane.setHgrow(field, Priority.ALWAYS);
        Button copy = new Button("Copy");
        copy.setId("copy-" + id);
        copy.getStyleClass().addAll(Styles.SMALL);
        copy.setTooltip(new Tooltip("Copy to the clipboard"));
        copy.setOnAction(event -> {
            ClipboardContent content = new ClipboardContent();
            content.putString(value);
            Clipboard.getSystemClipboard().setContent(content);
        });
        Label label = new Label(name);
        label.setMinWidth(90);
        rows.addRow(row, label, field, copy);
        GridPane.setHalignment(copy, javafx.geometry.HPos.RIGHT);
        rows.setAlignment(Pos.TOP_LEFT);
        return row + 1;
    }
}
