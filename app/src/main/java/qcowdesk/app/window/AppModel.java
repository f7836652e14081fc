package qcowdesk.app.window;

import qcowdesk.app.lifecycle.LifecycleModel;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.collections.ListChangeListener;
import javafx.collections.MapChangeListener;
import qcowdesk.app.devices.DeviceService;
import qcowdesk.app.devices.DevicesModel;
import qcowdesk.app.image.ImageTools;
import qcowdesk.app.info.InfoModel;
import qcowdesk.app.info.InspectionModel;
import qcowdesk.app.library.ImageItem;
import qcowdesk.app.library.LibraryModel;
import qcowdesk.app.library.LibraryStore;
import qcowdesk.app.background.DaemonTaskExecutor;
import qcowdesk.app.background.Jobs;
import qcowdesk.app.settings.AppDirectories;
import qcowdesk.app.settings.Settings;
import qcowdesk.app.settings.SettingsStore;
import qcowdesk.engine.device.DeviceInfo;
import qcowdesk.engine.support.Log;

import java.io.IOException;
import java.util.function.UnaryOperator;

import java.util.Arrays;
import java.util.List;
import qcowdesk.app.background.TaskExecutor;

/**
 * The whole app without its views: library, devices, info and the background jobs, wired together.
 * Every background task runs on the one executor given here, through {@link #jobs()}.
 * Built on the FX thread; {@link #close()} shuts everything down (an embedded device owner detaches cleanly).
 */
public final class AppModel implements AutoCloseable {

    private static final Log LOG = Log.of(AppModel.class);

    private final AppDirectories directories;
    private final Jobs jobs;
    private final ImageTools tools;
    private final DeviceService deviceService;
    private final LibraryModel library;
    private final DevicesModel devices;
    private final InfoModel info;
    private final InspectionModel inspection;
    private final LifecycleModel lifecycle;
    private final BooleanProperty darkTheme = new SimpleBooleanProperty(false);
    private final SettingsStore settingsStore;
    private Settings settings;

    public AppModel(AppDirectories directories, ImageTools tools, DeviceService deviceService) {
        this(directories, tools, deviceService, new DaemonTaskExecutor("qcowdesk-job"));
    }

    /** {@code executor} runs every background task of the app (a test may pass a synchronous one). */
    public AppModel(AppDirectories directories, ImageTools tools, DeviceService deviceService, TaskExecutor executor) {
        this.directories = directories;
        this.jobs = new Jobs(executor);
        this.settingsStore = new SettingsStore(directories.config());
        this.settings = loadSettings();
        darkTheme.set(settings.darkTheme());
        darkTheme.addListener((observable, old, dark) -> settings = settings.withDarkTheme(dark));
        this.tools = tools;
        this.deviceService = deviceService;
        this.library = new LibraryModel(tools, new LibraryStore(directories.config()), jobs);
        this.devices = new DevicesModel(deviceService, jobs);
        this.info = new InfoModel(library, deviceService, tools, jobs);
        this.inspection = new InspectionModel(library, deviceService, tools, jobs);
        this.lifecycle = new LifecycleModel(library, jobs, deviceService);
        // the library marks attached images; both lists change independently
        Runnable showAttachments = () -> library.showAttachments(devices.devices(), devices.fileIds());
        devices.devices().addListener((ListChangeListener<Object>) change -> showAttachments.run());
        devices.fileIds().addListener((MapChangeListener<Object, Object>) change -> showAttachments.run());
        library.images().addListener((ListChangeListener<Object>) change -> showAttachments.run());
        devices.lostFiles().addListener((MapChangeListener<Object, Object>) change -> library.showLostFiles(devices.lostFiles()));
        // one current image: choosing an attached image in the library makes its device the one Detach acts on
        library.selectedProperty().addListener((observable, old, item) -> devices.selectedProperty().set(deviceOf(item)));
        devices.devices().addListener((ListChangeListener<Object>) change -> {
            if (devices.selectedProperty().get() == null) {
                devices.selectedProperty().set(deviceOf(library.selected()));
            }
        });
    }

    /** Makes the image of {@code device} the library's current image (a double-click on a device row). */
    public void selectImageOf(DeviceInfo device) {
        library.images().stream().filter(item -> units(item).contains(device.unit())).findFirst()
                .ifPresent(item -> library.selectedProperty().set(item));
        devices.selectedProperty().set(device);
    }

    private DeviceInfo deviceOf(ImageItem item) {
        if (item == null) {
            return null;
        }
        List<String> units = units(item);
        return devices.devices().stream().filter(device -> units.contains(device.unit())).findFirst().orElse(null);
    }

    private static List<String> units(ImageItem item) {
        return Arrays.stream(item.attachedAs().split(",")).map(String::strip).filter(unit -> !unit.isEmpty()).toList();
    }

    /** Loads the library and starts watching the device table. */
    public AppModel start() {
        library.load();
        devices.start();
        return this;
    }

    public AppDirectories directories() {
        return directories;
    }

    public Jobs jobs() {
        return jobs;
    }

    public ImageTools tools() {
        return tools;
    }

    public LibraryModel library() {
        return library;
    }

    public DevicesModel devices() {
        return devices;
    }

    public InfoModel info() {
        return info;
    }

    public LifecycleModel lifecycle() {
        return lifecycle;
    }

    public InspectionModel inspection() {
        return inspection;
    }

    public BooleanProperty darkThemeProperty() {
        return darkTheme;
    }

    /** What is remembered across restarts, as it stands now. */
    public Settings settings() {
        return settings;
    }

    /** Changes what is remembered; written when the app closes. */
    public void updateSettings(UnaryOperator<Settings> change) {
        settings = change.apply(settings);
    }

    /**
     * Read once at construction, before any window shows (a few hundred bytes: the window's size must be known
     * before it opens); a broken file means the defaults, and says so.
     */
    private Settings loadSettings() {
        try {
            return settingsStore.load();
        } catch (IOException e) {
            jobs.report("Reading the settings", e);
            return Settings.DEFAULTS;
        }
    }

    /** The remembered settings before a model exists (the owner is chosen first); the defaults when unreadable. */
    public static Settings readSettings(AppDirectories directories) {
        try {
            return new SettingsStore(directories.config()).load();
        } catch (IOException e) {
            return Settings.DEFAULTS;
        }
    }

    private void saveSettings() {
        try {
            settingsStore.save(settings);
        } catch (IOException e) {
            LOG.warn("saving the settings: " + e.getMessage());
        }
    }

    @Override
    public void close() {
        saveSettings();
        inspection.close();
        devices.close();
        library.close();
        deviceService.close();
        jobs.close();
    }
}
