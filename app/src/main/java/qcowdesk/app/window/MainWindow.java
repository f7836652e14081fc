package qcowdesk.app.window;

import qcowdesk.app.lifecycle.LifecycleView;
import atlantafx.base.theme.Styles;
import javafx.application.Platform;
import javafx.beans.InvalidationListener;
import javafx.beans.value.ChangeListener;
import javafx.beans.value.ObservableValue;
import javafx.geometry.Insets;
import javafx.geometry.Orientation;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.control.Alert;
import javafx.scene.control.CheckMenuItem;
import javafx.scene.control.Label;
import javafx.scene.control.Menu;
import javafx.scene.control.MenuBar;
import javafx.scene.control.MenuItem;
import javafx.scene.control.SeparatorMenuItem;
import javafx.scene.control.SplitPane;
import javafx.scene.control.Tab;
import qcowdesk.app.contents.ContentsPane;
import javafx.scene.control.TabPane;
import javafx.scene.image.Image;
import javafx.scene.input.KeyCombination;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import javafx.stage.Screen;
import javafx.stage.Stage;
import qcowdesk.app.attach.AttachDialog;
import qcowdesk.app.attach.AttachModel;
import qcowdesk.app.detach.DetachDialogs;
import qcowdesk.app.detach.DetachFlow;
import qcowdesk.app.mount.MountDialog;
import qcowdesk.app.mount.MountFlow;
import qcowdesk.app.devices.DevicesView;
import qcowdesk.app.info.InfoView;
import qcowdesk.app.library.ImageFileChoosers;
import qcowdesk.app.library.LibraryView;
import qcowdesk.app.newimage.NewImageDialog;
import qcowdesk.app.newimage.NewImageModel;
import qcowdesk.app.quit.QuitDialog;
import qcowdesk.app.quit.QuitFlow;
import qcowdesk.app.settings.Settings;
import qcowdesk.app.growth.GrowthPane;
import qcowdesk.app.hex.HexPane;
import qcowdesk.app.library.ImageItem;
import qcowdesk.app.map.AllocationMapPane;
import qcowdesk.app.background.Jobs;
import qcowdesk.engine.device.DeviceInfo;
import qcowdesk.engine.support.DaemonThreads;

import java.io.File;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/** The main window: library on the left, tabs about the selected image, devices below, status at the bottom. */
public final class MainWindow {

    public static final double WIDTH = 1280;
    public static final double HEIGHT = 800;
    static final String TABS_ID = "image-tabs";
    private static final String ICON = "/qcowdesk/icons/qcowdesk-256.png";

    private final AppModel model;
    private final Stage stage;
    private final Scene scene;
    private final InspectionBinding inspection;
    // built when first wanted: their tab chosen, or the map by a compare or a file shown on it
    private final Deferred<AllocationMapPane> mapPane;
    private final Deferred<HexPane> hexPane;
    private final Deferred<ContentsPane> contentsPane;
    /** Built with the window: it samples the shown image's growth from the moment it is shown. */
    private final GrowthPane growthPane;
    private final Tab mapTab;
    private TabPane imageTabs;

    public MainWindow(AppModel model, Stage stage) {
        this.model = model;
        this.stage = stage;
        // the theme before the first control: the first control class loaded would otherwise read JavaFX's own
        // stylesheet (Modena), which the theme then replaces unused
        Themes.apply(model.darkThemeProperty().get());
        inspection = new InspectionBinding(model.inspection());
        growthPane = inspection.bind(new GrowthPane(model.jobs().executor()));
        contentsPane = new Deferred<>(() -> inspection.bind(new ContentsPane(model.jobs(), this::showOnMap)));
        mapPane = new Deferred<>(() -> {
            AllocationMapPane map = inspection.bind(new AllocationMapPane(model.jobs().executor()));
            // what the Contents tab's space report found; a tooltip does not build that tab (unbuilt, it has no
            // report, so it would say nothing, after starting to read the image's contents)
            map.setCellNotes((start, end) -> contentsPane.ifBuilt().map(pane -> pane.holders(start, end)).orElse(""));
            return map;
        });
        hexPane = new Deferred<>(() -> inspection.bind(new HexPane(model.jobs().executor())));
        mapTab = new Tab("Allocation map");
        // a compare's differing clusters are outlined on the map of the compared image
        model.lifecycle().differencesProperty().addListener((observable, old, differences) -> {
            if (differences != null) {
                mapPane.get().model().outline(differences);
            }
        });
        DevicesView devices = new DevicesView(model.devices(), this::attach, this::detach, model::selectImageOf,
                new DevicesView.MountActions(this::mount, this::unmount, this::openFolder));
        SplitPane right = new SplitPane(tabsWithProblem(), devices);
        right.setOrientation(Orientation.VERTICAL);
        right.setDividerPositions(0.62);
        SplitPane main = new SplitPane(new LibraryView(model.library()), right);
        main.setDividerPositions(0.24);
        SplitPane.setResizableWithParent(main.getItems().get(0), false);
        Settings remembered = model.settings();
        if (remembered.dividers().size() == 2) {
            main.setDividerPositions(remembered.dividers().get(0));
            right.setDividerPositions(remembered.dividers().get(1));
        }
        Runnable rememberDividers = () -> model.updateSettings(settings -> settings.withDividers(List.of(
                main.getDividerPositions()[0], right.getDividerPositions()[0])));
        main.getDividers().get(0).positionProperty().addListener((observable, old, position) -> rememberDividers.run());
        right.getDividers().get(0).positionProperty().addListener((observable, old, position) -> rememberDividers.run());

        BorderPane root = new BorderPane(main);
        root.setTop(menus());
        root.setBottom(new StatusLine(model));
        Settings.WindowBounds bounds = remembered.window();
        scene = new Scene(root, bounds == null ? WIDTH : bounds.width(), bounds == null ? HEIGHT : bounds.height());
        scene.getStylesheets().addAll(
                MainWindow.class.getResource("/qcowdesk/css/qcowdesk.css").toExternalForm(),
                MainWindow.class.getResource("/qcowdesk/app/main-window.css").toExternalForm());
        model.darkThemeProperty().addListener((observable, old, dark) -> Themes.apply(dark));
        model.jobs().lastFailureProperty().addListener((observable, old, failure) -> {
            if (failure != null) {
                showFailure(failure);
            }
        });
        stage.setTitle("QcowDesk");
        // the icon is decoded beside the window's construction, not before it, and set when ready
        CompletableFuture.supplyAsync(() -> new Image(MainWindow.class.getResource(ICON).toExternalForm()),
                        runnable -> DaemonThreads.start("qcowdesk-icon", runnable))
                .thenAccept(icon -> Platform.runLater(() -> stage.getIcons().add(icon)));
        stage.setScene(scene);
        stage.setOnCloseRequest(event -> {
            if (!mayQuitNow()) {
                event.consume();
            }
        });
        placeAsRemembered(bounds);
    }

    /** Outlines a file's clusters (guest byte ranges) on the allocation map and brings the map forward. */
    private void showOnMap(List<long[]> ranges) {
        imageTabs.getSelectionModel().select(mapTab);
        mapPane.get().highlight(ranges);
    }

    /** The Contents tab, for tests and screenshots. */
    public ContentsPane contentsPane() {
        return contentsPane.get();
    }

    /** The allocation map, for tests. */
    public AllocationMapPane mapPane() {
        return mapPane.get();
    }

    /** Puts the window where it was, if that is still on a screen; remembers where it goes from now on. */
    private void placeAsRemembered(Settings.WindowBounds bounds) {
        if (bounds != null && !Screen.getScreensForRectangle(bounds.x(), bounds.y(), bounds.width(), bounds.height()).isEmpty()) {
            stage.setX(bounds.x());
            stage.setY(bounds.y());
        }
        if (bounds != null) {
            stage.setMaximized(bounds.maximized());
        }
        InvalidationListener remember = observable -> {
            Settings.WindowBounds before = model.settings().window();
            // maximized: keep the normal size and place, so that un-maximizing after a restart restores them
            model.updateSettings(settings -> settings.withWindow(stage.isMaximized() && before != null
                    ? new Settings.WindowBounds(before.x(), before.y(), before.width(), before.height(), true)
                    : new Settings.WindowBounds(stage.getX(), stage.getY(), scene.getWidth(), scene.getHeight(), stage.isMaximized())));
        };
        stage.xProperty().addListener(remember);
        stage.yProperty().addListener(remember);
        scene.widthProperty().addListener(remember);
        scene.heightProperty().addListener(remember);
        stage.maximizedProperty().addListener(remember);
    }

    /** The hex pane, for tests that wait for its reads to finish. */
    public HexPane hexPane() {
        return hexPane.get();
    }

    /** The hex pane if its tab was chosen (or {@link #hexPane} asked for it): what a test waits for when closing. */
    public Optional<HexPane> builtHexPane() {
        return hexPane.ifBuilt();
    }

    public Scene scene() {
        return scene;
    }

    public void show() {
        stage.show();
    }

    /** Quit (the menu, Ctrl+Q): asks first when quitting would detach devices. */
    void quit() {
        if (mayQuitNow()) {
            stage.close();
        }
    }

    private boolean mayQuitNow() {
        return new QuitFlow(model.devices(), model.jobs(), model.directories().runtime(),
                () -> model.settings().backgroundOwner()).mayQuitNow(new QuitDialog(stage), stage::close, this::showFailure);
    }

    void openImages() {
        List<File> files = ImageFileChoosers.open("Open images").showOpenMultipleDialog(stage);
        if (files != null) {
            files.forEach(file -> model.library().add(file.toPath()));
        }
    }

    void newImage() {
        new NewImageDialog(stage, new NewImageModel(model.tools(), model.jobs(), model.library())).show();
    }

    void removeSelectedImage() {
        ImageItem selected = model.library().selected();
        if (selected != null) {
            model.library().remove(selected);
        }
    }

    void attach() {
        AttachDialog dialog = new AttachDialog(stage, new AttachModel(model.devices(), model.tools(), model.jobs(),
                model.library().store()),
                model.library());
        dialog.setOnHidden(event -> {
            DeviceInfo attached = dialog.getResult();
            if (attached != null) {
                model.devices().selectedProperty().set(attached);
            }
        });
        dialog.show();
    }

    void detach() {
        DeviceInfo selected = model.devices().selectedProperty().get();
        if (selected != null) {
            new DetachFlow(model.devices(), model.jobs()).detach(selected, new DetachDialogs(stage));
        }
    }

    void mount() {
        DeviceInfo selected = model.devices().selectedProperty().get();
        if (selected != null) {
            mountFlow().mount(selected, new MountDialog(stage));
        }
    }

    void unmount() {
        DeviceInfo selected = model.devices().selectedProperty().get();
        if (selected != null) {
            mountFlow().unmount(selected);
        }
    }

    void openFolder() {
        DeviceInfo selected = model.devices().selectedProperty().get();
        if (selected != null) {
            mountFlow().openFolder(selected);
        }
    }

    private MountFlow mountFlow() {
        return new MountFlow(model.devices(), model.jobs(), Path.of(System.getProperty("user.home"), "QcowDesk"));
    }

    /** The image tabs, with a line above them saying why the selected image cannot be inspected, if so. */
    private VBox tabsWithProblem() {
        Label problem = new Label();
        problem.getStyleClass().add(Styles.WARNING);
        problem.setPadding(new Insets(4, 8, 4, 8));
        problem.setWrapText(true);
        problem.textProperty().bind(model.inspection().problemProperty());
        problem.visibleProperty().bind(problem.textProperty().isNotEmpty());
        problem.managedProperty().bind(problem.visibleProperty());
        TabPane tabs = tabs();
        VBox.setVgrow(tabs, Priority.ALWAYS);
        return new VBox(problem, tabs);
    }

    private TabPane tabs() {
        Tab hex = new Tab("Hex");
        Tab growth = new Tab("Growth");
        Tab info = new Tab("Info");
        Tab space = new Tab("Space & operations");
        Tab contents = new Tab("Contents");
        TabPane tabs = new TabPane(info, mapTab, hex, growth, space, contents);
        imageTabs = tabs;
        tabs.setId(TABS_ID);
        if (model.settings().tab() < tabs.getTabs().size()) {
            tabs.getSelectionModel().select(model.settings().tab());
        }
        InfoView infoView = new InfoView(model.info());
        LifecycleView lifecycleView = new LifecycleView(model.lifecycle());
        contentWhenFirstSelected(info, () -> infoView);
        contentWhenFirstSelected(mapTab, mapPane);
        contentWhenFirstSelected(hex, hexPane);
        contentWhenFirstSelected(growth, () -> growthPane);
        contentWhenFirstSelected(space, () -> lifecycleView);
        contentWhenFirstSelected(contents, contentsPane);
        tabs.getSelectionModel().selectedIndexProperty().addListener(
                (observable, old, index) -> model.updateSettings(settings -> settings.withTab(index.intValue())));
        tabs.setTabClosingPolicy(TabPane.TabClosingPolicy.UNAVAILABLE);
        return tabs;
    }

    /**
     * Gives a tab its content when the tab is first selected (now, if it is), so that the window's first CSS pass
     * and layout, most of the time until it appears, cover the tab shown and not the five behind it. Info, Growth
     * and Space exist from the start (Growth samples the shown image from the moment it is shown); the map, hex
     * and contents panes are built on their first use, showing the image shown then.
     */
    private static void contentWhenFirstSelected(Tab tab, Supplier<? extends Node> content) {
        if (tab.isSelected()) {
            tab.setContent(content.get());
            return;
        }
        tab.selectedProperty().addListener(new ChangeListener<>() {
            @Override
            public void changed(ObservableValue<? extends Boolean> observable, Boolean old, Boolean selected) {
                if (selected) {
                    tab.selectedProperty().removeListener(this);
                    tab.setContent(content.get());
                }
            }
        });
    }

    private MenuBar menus() {
        Menu file = new Menu("_File", null,
                item("_Open image…", "Shortcut+O", this::openImages),
                item("_New image…", "Shortcut+N", this::newImage),
                item("_Remove from library", "Shortcut+Delete", this::removeSelectedImage),
                new SeparatorMenuItem(),
                item("_Quit", "Shortcut+Q", this::quit));
        Menu image = new Menu("_Image", null,
                item("_Check", "Shortcut+K", () -> model.info().check()),
                item("_Repair leaks", "Shortcut+Shift+K", () -> model.info().repair()),
                item("Re_read", "F5", () -> {
                    ImageItem selected = model.library().selected();
                    if (selected != null) {
                        model.library().refresh(selected);
                    }
                }));
        CheckMenuItem background = new CheckMenuItem("_Keep devices running after quitting");
        background.setSelected(model.settings().backgroundOwner());
        background.selectedProperty().addListener((observable, old, keep) ->
                model.updateSettings(settings -> settings.withBackgroundOwner(keep)));
        Menu devices = new Menu("_Devices", null,
                item("_Attach…", "Shortcut+T", this::attach),
                item("_Detach…", "Shortcut+D", this::detach),
                new SeparatorMenuItem(),
                background);
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
