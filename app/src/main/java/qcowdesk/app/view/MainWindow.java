package qcowdesk.app.view;

import javafx.geometry.Orientation;
import javafx.scene.Scene;
import javafx.scene.control.Alert;
import javafx.scene.control.Menu;
import javafx.scene.control.MenuBar;
import javafx.scene.control.MenuItem;
import javafx.scene.control.SeparatorMenuItem;
import javafx.scene.control.SplitPane;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import javafx.scene.control.CheckMenuItem;
import javafx.scene.input.KeyCombination;
import javafx.scene.layout.BorderPane;
import javafx.stage.Stage;
import qcowdesk.app.AppModel;
import qcowdesk.app.devices.AttachModel;
import qcowdesk.app.devices.DeviceRow;
import qcowdesk.app.library.ImageItem;
import qcowdesk.app.task.Jobs;

import java.io.File;
import java.util.List;

/** The main window: library on the left, tabs about the selected image, devices below, status at the bottom. */
public final class MainWindow {

    public static final double WIDTH = 1280;
    public static final double HEIGHT = 800;
    static final String TABS_ID = "image-tabs";

    private final AppModel model;
    private final Stage stage;
    private final Scene scene;

    public MainWindow(AppModel model, Stage stage) {
        this.model = model;
        this.stage = stage;
        DevicesView devices = new DevicesView(model.devices(), this::attach, this::detach);
        SplitPane right = new SplitPane(tabs(), devices);
        right.setOrientation(Orientation.VERTICAL);
        right.setDividerPositions(0.62);
        SplitPane main = new SplitPane(new LibraryView(model.library()), right);
        main.setDividerPositions(0.22);
        SplitPane.setResizableWithParent(main.getItems().get(0), false);

        BorderPane root = new BorderPane(main);
        root.setTop(menus());
        root.setBottom(new StatusLine(model));
        scene = new Scene(root, WIDTH, HEIGHT);
        Themes.apply(model.darkThemeProperty().get());
        model.darkThemeProperty().addListener((observable, old, dark) -> Themes.apply(dark));
        model.jobs().lastFailureProperty().addListener((observable, old, failure) -> {
            if (failure != null) {
                showFailure(failure);
            }
        });
        stage.setTitle("QcowDesk");
        stage.setScene(scene);
    }

    public Scene scene() {
        return scene;
    }

    public void show() {
        stage.show();
    }

    void openImages() {
        List<File> files = ImageFileChoosers.open("Open images").showOpenMultipleDialog(stage);
        if (files != null) {
            files.forEach(file -> model.library().add(file.toPath()));
        }
    }

    void newImage() {
        new NewImageDialog(stage, model.library()).show();
    }

    void removeSelectedImage() {
        ImageItem selected = model.library().selected();
        if (selected != null) {
            model.library().remove(selected);
        }
    }

    void attach() {
        AttachDialog dialog = new AttachDialog(stage, new AttachModel(model.devices(), model.tools(), model.jobs()),
                model.library());
        dialog.setOnHidden(event -> {
            DeviceRow attached = dialog.getResult();
            if (attached != null) {
                model.devices().selectedProperty().set(attached);
            }
        });
        dialog.show();
    }

    void detach() {
        DeviceRow selected = model.devices().selectedProperty().get();
        if (selected != null) {
            model.devices().detach(selected, new DetachDialogs(stage));
        }
    }

    private TabPane tabs() {
        TabPane tabs = new TabPane(
                new Tab("Info", new InfoView(model.info())),
                new Tab("Allocation map", new InspectionPlaceholder("The allocation map")),
                new Tab("Hex", new InspectionPlaceholder("The hex sector viewer")),
                new Tab("Growth", new InspectionPlaceholder("The growth chart")));
        tabs.setId(TABS_ID);
        tabs.setTabClosingPolicy(TabPane.TabClosingPolicy.UNAVAILABLE);
        return tabs;
    }

    private MenuBar menus() {
        Menu file = new Menu("_File", null,
                item("_Open image…", "Shortcut+O", this::openImages),
                item("_New image…", "Shortcut+N", this::newImage),
                item("_Remove from library", "Shortcut+Delete", this::removeSelectedImage),
                new SeparatorMenuItem(),
                item("_Quit", "Shortcut+Q", stage::close));
        Menu image = new Menu("_Image", null,
                item("_Check", "Shortcut+K", () -> model.info().check()),
                item("_Repair leaks", "Shortcut+Shift+K", () -> model.info().repair()),
                item("Re_read", "F5", () -> {
                    ImageItem selected = model.library().selected();
                    if (selected != null) {
                        model.library().refresh(selected);
                    }
                }));
        Menu devices = new Menu("_Devices", null,
                item("_Attach…", "Shortcut+T", this::attach),
                item("_Detach…", "Shortcut+D", this::detach));
        CheckMenuItem dark = new CheckMenuItem("_Dark theme");
        dark.setAccelerator(KeyCombination.keyCombination("Shortcut+Shift+L"));
        dark.selectedProperty().bindBidirectional(model.darkThemeProperty());
        Menu view = new Menu("_View", null, dark);
        return new MenuBar(file, image, devices, view);
    }

    private static MenuItem item(String text, String shortcut, Runnable action) {
        MenuItem item = new MenuItem(text);
        item.setAccelerator(KeyCombination.keyCombination(shortcut));
        item.setOnAction(event -> action.run());
        return item;
    }

    private void showFailure(Jobs.Failure failure) {
        Alert alert = new Alert(Alert.AlertType.ERROR, failure.message());
        alert.initOwner(stage);
        alert.setTitle("QcowDesk");
        alert.setHeaderText(failure.title() + " failed");
        alert.show();
    }
}
