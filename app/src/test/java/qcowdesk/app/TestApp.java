package qcowdesk.app;

import javafx.scene.control.TableView;
import javafx.stage.Stage;
import qcowdesk.app.settings.AppDirectories;
import qcowdesk.app.window.AppModel;
import qcowdesk.app.devices.BackgroundOwner;
import qcowdesk.app.devices.DeviceService;
import qcowdesk.app.image.EngineImageTools;
import qcowdesk.app.window.MainWindow;
import qcowdesk.bridge.RuntimeDirectory;
import qcowdesk.engine.device.DeviceInfo;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/** The real app (models and main window) on a test's stage, with its config and runtime dirs in a temp dir. */
public final class TestApp implements AutoCloseable {

    public final AppDirectories directories;
    public final AppModel model;
    public final MainWindow window;

    private TestApp(AppDirectories directories, AppModel model, MainWindow window) {
        this.directories = directories;
        this.model = model;
        this.window = window;
    }

    /** Builds and shows the app, its directories under {@code base}; call on the FX thread. */
    public static TestApp start(Stage stage, Path base, Function<RuntimeDirectory, DeviceService> devices) {
        AppDirectories directories = new AppDirectories(base.resolve("config"), runtimeDirectory(base));
        AppModel model = new AppModel(directories, new EngineImageTools(), devices.apply(directories.runtime())).start();
        MainWindow window = new MainWindow(model, stage);
        // TestFX hands every test the same primary stage: give it the new scene's size, whatever an earlier
        // test left it at, so that layouts (and what fits on screen) are the same in every test
        stage.setMaximized(false);
        stage.sizeToScene();
        window.show();
        return new TestApp(directories, model, window);
    }

    /** The runtime directory of an app started with {@code base}, where its owner's sockets are. */
    public static RuntimeDirectory runtimeDirectory(Path base) {
        return new RuntimeDirectory(base.resolve("run"));
    }

    /**
     * Makes the app start qcowctl (the background owner) from the test class path, which holds the cli module:
     * a real {@code qcowctl daemon} process without a packaged jar. Clear {@link BackgroundOwner#COMMAND_PROPERTY} after.
     */
    public static void useQcowctlFromTestClassPath() {
        String java = ProcessHandle.current().info().command().orElse("java");
        System.setProperty(BackgroundOwner.COMMAND_PROPERTY,
                java + " -cp " + System.getProperty("java.class.path") + " qcowdesk.cli.Qcowctl");
    }

    /** The rows of the devices table, as it shows them now. */
    @SuppressWarnings("unchecked")
    public List<DeviceInfo> deviceRows() {
        return Fx.get(() -> List.copyOf(
                ((TableView<DeviceInfo>) window.scene().lookup("#devices-table")).getItems()));
    }

    /** Waits until the devices table shows {@code unit}; returns its row. */
    public DeviceInfo awaitDevice(String unit) {
        Fx.await("the devices table shows " + unit,
                () -> deviceRows().stream().anyMatch(row -> row.unit().equals(unit)));
        return deviceRows().stream().filter(row -> row.unit().equals(unit)).findFirst().orElseThrow();
    }

    /** The NBD URI of {@code unit} on the NBD socket of the app's owner. */
    public String nbdUri(String unit) {
        return "nbd+unix:///" + unit + "?socket=" + directories.runtime().nbdSocket().toAbsolutePath();
    }

    /**
     * Stops a qcowctl daemon the app started in the background, found by its process id (none when 0 or less):
     * SIGTERM, on which it detaches its devices cleanly and exits; waits for that, within 30 s.
     */
    public static void stopBackgroundDaemon(long pid) {
        if (pid > 0) {
            ProcessHandle.of(pid).ifPresent(TestApp::stopBackgroundDaemon);
        }
    }

    /** As {@link #stopBackgroundDaemon(long)}, for a daemon's process handle. */
    public static void stopBackgroundDaemon(ProcessHandle daemon) {
        if (daemon.isAlive()) {
            daemon.destroy();
            daemon.onExit().orTimeout(30, TimeUnit.SECONDS).join();
        }
    }

    /** Closes the app once the inspection panes have finished reading what they show, as a user would. */
    @Override
    public void close() {
        Fx.await("the inspection panes are idle", () -> model.inspection().shownProperty().get() == null
                || window.builtHexPane().map(hex -> hex.shownSector() != null).orElse(true));
        Fx.run(model::close);
    }
}
