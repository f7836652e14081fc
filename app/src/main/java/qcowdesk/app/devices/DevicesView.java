package qcowdesk.app.devices;

import atlantafx.base.theme.Styles;
import javafx.beans.binding.Bindings;
import javafx.beans.binding.BooleanBinding;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.collections.MapChangeListener;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.SplitPane;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableRow;
import javafx.scene.control.TableView;
import javafx.scene.input.MouseButton;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import qcowdesk.app.inspect.Sizes;
import qcowdesk.bridge.mount.MountedFs;
import qcowdesk.engine.device.DeviceInfo;

import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;

/** The devices table with Attach… and Detach, and the selected device's addresses and commands beside it. */
public final class DevicesView extends VBox {

    static final String TABLE_ID = "devices-table";
    static final String ATTACH_BUTTON_ID = "attach-button";
    static final String DETACH_BUTTON_ID = "detach-button";

    static final String MOUNT_BUTTON_ID = "mount-button";
    static final String UNMOUNT_BUTTON_ID = "unmount-button";
    static final String OPEN_FOLDER_BUTTON_ID = "open-folder-button";

    /** What the mount buttons do; each gets the selected device. */
    public record MountActions(Runnable mount, Runnable unmount, Runnable openFolder) {
    }

    public DevicesView(DevicesModel devices, Runnable attach, Runnable detach) {
        this(devices, attach, detach, device -> { }, null);
    }

    /** {@code open}: a device row was double-clicked; {@code mountActions} null for no mount buttons. */
    public DevicesView(DevicesModel devices, Runnable attach, Runnable detach, Consumer<DeviceInfo> open,
                       MountActions mountActions) {
        Label title = new Label("Devices");
        title.getStyleClass().add(Styles.TITLE_4);
        Button attachButton = new Button("Attach…");
        attachButton.setId(ATTACH_BUTTON_ID);
        attachButton.getStyleClass().add(Styles.ACCENT);
        attachButton.setOnAction(event -> attach.run());
        Button detachButton = new Button("Detach");
        detachButton.setId(DETACH_BUTTON_ID);
        detachButton.disableProperty().bind(devices.selectedProperty().isNull());
        detachButton.setOnAction(event -> detach.run());
        Label problem = new Label();
        problem.getStyleClass().add(Styles.DANGER);
        problem.textProperty().bind(devices.pollProblemProperty());
        Region spacer = new Region();
        HBox.setHgrow(spacer, Priority.ALWAYS);
        HBox header = new HBox(8, title, problem, spacer, attachButton, detachButton);
        if (mountActions != null) {
            header.getChildren().addAll(mountButtons(devices, mountActions));
        }
        header.setAlignment(Pos.CENTER_LEFT);
        header.setPadding(new Insets(8));

        TableView<DeviceInfo> table = new TableView<>(devices.devices());
        table.setId(TABLE_ID);
        table.setPlaceholder(new Label("No devices attached. Attach… exports an image over NBD."));
        // the columns share the table's width (no sideways scrolling at 1280 px); what does not fit is cut with an
        // ellipsis, and the details beside the table give it whole: file, URI, commands, mount points
        table.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY);
        table.getColumns().add(fixed(column("Unit", 64, DeviceInfo::unit)));
        table.getColumns().add(column("Image file", 240, row -> devices.lostFiles().containsKey(row.unit())
                ? row.fileName() + " — file lost"
                : devices.repairs().containsKey(row.unit()) ? row.fileName() + " — repaired"
                : row.snapshot() != null ? row.fileName() + " — snapshot " + row.snapshot() : row.fileName()));
        devices.lostFiles().addListener((MapChangeListener<String, String>) change -> table.refresh());
        devices.repairs().addListener((MapChangeListener<String, String>) change -> table.refresh());
        table.getColumns().add(fixed(column("Mode", 62, DeviceInfo::mode)));
        table.getColumns().add(fixed(column("Sector", 76, row -> Integer.toString(row.sectorSize()))));
        table.getColumns().add(fixed(column("Size", 84, row -> Sizes.human(row.sizeBytes()))));
        table.getColumns().add(fixed(column("Clients", 72, row -> Integer.toString(row.clients()))));
        TableColumn<DeviceInfo, String> mounted = column("Mounted on", 150, row -> mountPoints(devices.mountsOf(row.unit())));
        mounted.setMinWidth(120); // its title whole
        table.getColumns().add(mounted);
        devices.mounts().addListener((javafx.collections.ListChangeListener<MountedFs>) change -> table.refresh());
        table.setRowFactory(view -> {
            TableRow<DeviceInfo> row = new TableRow<>();
            row.setOnMouseClicked(event -> {
                if (event.getButton() == MouseButton.PRIMARY && event.getClickCount() == 2 && !row.isEmpty()) {
                    open.accept(row.getItem());
                }
            });
            return row;
        });
        table.getSelectionModel().selectedItemProperty().addListener(
                (observable, old, now) -> devices.selectedProperty().set(now));
        devices.selectedProperty().addListener((observable, old, now) -> {
            if (table.getSelectionModel().getSelectedItem() != now) {
                table.getSelectionModel().select(now);
            }
        });
        DeviceDetails details = new DeviceDetails(devices);
        // Scrolls when its notes (a lost file, a repair) and rows do not fit: the notes wrap and grow downwards.
        ScrollPane detailsScroll = new ScrollPane(details);
        detailsScroll.setFitToWidth(true);
        SplitPane body = new SplitPane(table, detailsScroll);
        body.setDividerPositions(0.6);
        VBox.setVgrow(body, Priority.ALWAYS);
        getChildren().addAll(header, body);
    }

    private static List<Button> mountButtons(DevicesModel devices, MountActions actions) {
        BooleanBinding noSelection = devices.selectedProperty().isNull();
        BooleanBinding notMounted = Bindings.createBooleanBinding(() -> devices.selectedProperty().get() == null
                || devices.mountsOf(devices.selectedProperty().get().unit()).isEmpty(),
                devices.selectedProperty(), devices.mounts());
        Button mount = new Button("Mount…");
        mount.setId(MOUNT_BUTTON_ID);
        mount.disableProperty().bind(noSelection);
        mount.setOnAction(event -> actions.mount().run());
        Button unmount = new Button("Unmount");
        unmount.setId(UNMOUNT_BUTTON_ID);
        unmount.disableProperty().bind(notMounted);
        unmount.setOnAction(event -> actions.unmount().run());
        Button open = new Button("Open folder");
        open.setId(OPEN_FOLDER_BUTTON_ID);
        open.disableProperty().bind(notMounted);
        open.setOnAction(event -> actions.openFolder().run());
        return List.of(mount, unmount, open);
    }

    /** E.g. {@code /mnt/disk (p1, fuse-loop)}; several mounts separated by commas. */
    static String mountPoints(List<MountedFs> mounts) {
        return mounts.stream().map(m -> m.mountPoint() + " " + howMounted(m))
                .collect(java.util.stream.Collectors.joining(", "));
    }

    /** E.g. {@code (p1, fuse-loop, ro)}: which part of the disk, by which route, read-only or not. */
    static String howMounted(MountedFs m) {
        return "(" + (m.partition() == 0 ? "disk" : "p" + m.partition()) + ", " + m.route().wireName()
                + (m.readOnly() ? ", ro" : "") + ")";
    }

    /** A column of short values: always wide enough for its title and values, the rest goes to file and mounts. */
    private static TableColumn<DeviceInfo, String> fixed(TableColumn<DeviceInfo, String> column) {
        column.setMinWidth(column.getPrefWidth());
        column.setMaxWidth(column.getPrefWidth());
        return column;
    }

    private static TableColumn<DeviceInfo, String> column(String name, double width, Function<DeviceInfo, String> value) {
        TableColumn<DeviceInfo, String> column = new TableColumn<>(name);
        column.setPrefWidth(width);
        column.setCellValueFactory(cell -> new ReadOnlyObjectWrapper<>(value.apply(cell.getValue())));
        return column;
    }
}
