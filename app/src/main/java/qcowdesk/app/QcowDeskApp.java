package qcowdesk.app;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

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
 * The desktop app: opens the main window with the device owner (or a connection to a running daemon) ready.
 * {@code qcowdesk FILE...} adds the files to the library and selects the first; while an app runs, a second
 * launch hands its files to it (see {@link SingleInstance}) and exits.
 */
public final class QcowDeskApp extends Application {

    private AppModel model;
    private SingleInstance instance;

    public static void main(String[] args) {
        SessionBus.missing(System.getenv()).ifPresent(System.err::println);
        launch(QcowDeskApp.class, args);
    }

    /**
     * Before any window: hands the files to an app that already runs, and then exits. Here rather than in
     * main(), which the Java launcher skips for an Application subclass (it starts JavaFX itself).
     */
    @Override
    public void init() {
        if (SingleInstance.handOff(socket(AppDirectories.fromEnvironment()), files(getParameters().getRaw()))) {
            System.exit(0);
        }
    }

    /** The arguments that name files (JavaFX's own --name=value options are not files). */
    static List<Path> files(List<String> args) {
        return args.stream().filter(arg -> !arg.startsWith("--")).map(Path::of).toList();
    }

    private static Path socket(AppDirectories directories) {
        return directories.runtime().path().resolve(SingleInstance.SOCKET_NAME);
    }

    @Override
    public void start(Stage stage) {
        AppDirectories directories = AppDirectories.fromEnvironment();
        DeviceService devices = openDevices(directories);
        // SIGTERM or logout skips stop(): the devices must still be flushed and detached
        Runtime.getRuntime().addShutdownHook(new Thread(devices::close, "qcowdesk-shutdown"));
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
