package qcowdesk.app;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import javafx.application.Application;
import javafx.application.Platform;
import javafx.stage.Stage;
import qcowdesk.app.settings.AppDirectories;
import qcowdesk.app.window.AppModel;
import qcowdesk.app.devices.BackgroundOwner;
import qcowdesk.app.devices.DeviceService;
import qcowdesk.app.devices.DeviceServices;
import qcowdesk.app.image.EngineImageTools;
import qcowdesk.app.instance.SingleInstance;
import qcowdesk.app.window.MainWindow;

/**
 * The desktop app, as {@link QcowDeskMain} starts it: opens the main window with the device owner (or a connection
 * to a running daemon) that main() began to open. {@code qcowdesk FILE...} adds the files to the library and
 * selects the first; a later launch's files come through the single-instance socket.
 */
public final class QcowDeskApp extends Application {

    /** What main() prepared (JavaFX makes the instance); null when JavaFX was started on this class directly. */
    private static volatile AppDirectories preparedDirectories;
    private static volatile CompletableFuture<DeviceService> preparedDevices;

    private AppModel model;
    private SingleInstance instance;

    static void launch(AppDirectories directories, CompletableFuture<DeviceService> devices, String[] args) {
        preparedDirectories = directories;
        preparedDevices = devices;
        Application.launch(QcowDeskApp.class, args);
    }

    /** The arguments that name files (JavaFX's own --name=value options are not files). */
    static List<Path> files(List<String> args) {
        return args.stream().filter(arg -> !arg.startsWith("--")).map(Path::of).toList();
    }

    static Path socket(AppDirectories directories) {
        return directories.runtime().path().resolve(SingleInstance.SOCKET_NAME);
    }

    @Override
    public void start(Stage stage) {
        AppDirectories directories = preparedDirectories != null ? preparedDirectories : AppDirectories.fromEnvironment();
        DeviceService devices = preparedDevices != null ? preparedDevices.join() : openUntilExit(directories);
        model = new AppModel(directories, new EngineImageTools(), devices).start();
        new MainWindow(model, stage).show();
        model.library().open(files(getParameters().getRaw()));
        instance = SingleInstance.listen(socket(directories), files -> Platform.runLater(() -> {
            model.library().open(files);
            stage.toFront();
        })).orElse(null);
    }

    /**
     * Reaches the devices as the person chose: with the preference "keep devices running after quitting", through
     * a background daemon (started now when none runs), else through whichever owner runs, or as the owner. The
     * preference is read before the window (and the model that keeps it) exists: it decides the owner.
     */
    public static DeviceService openDevices(AppDirectories directories) {
        boolean background = AppModel.readSettings(directories).backgroundOwner();
        return DeviceServices.open(directories.runtime(), background ? BackgroundOwner.locate() : Optional.empty());
    }

    /**
     * {@link #openDevices}, closed when the process ends however it ends (SIGTERM or logout skip stop()): an
     * embedded owner flushes and detaches its devices.
     */
    static DeviceService openUntilExit(AppDirectories directories) {
        DeviceService devices = openDevices(directories);
        Runtime.getRuntime().addShutdownHook(new Thread(devices::close, "qcowdesk-shutdown"));
        return devices;
    }

    @Override
    public void stop() {
        if (instance != null) {
            instance.close();
        }
        if (model != null) {
            model.close();
        }
    }
}
