package qcowdesk.app;

import javafx.application.Application;
import javafx.stage.Stage;
import qcowdesk.app.devices.DeviceService;
import qcowdesk.app.devices.DeviceServices;
import qcowdesk.app.image.EngineImageTools;
import qcowdesk.app.window.MainWindow;

/** The desktop app: opens the main window with the device owner (or a connection to a running daemon) ready. */
public final class QcowDeskApp extends Application {

    private AppModel model;

    public static void main(String[] args) {
        launch(QcowDeskApp.class, args);
    }

    @Override
    public void start(Stage stage) {
        AppDirectories directories = AppDirectories.fromEnvironment();
        DeviceService devices = DeviceServices.open(directories.runtime());
        // SIGTERM or logout skips stop(): the devices must still be flushed and detached
        Runtime.getRuntime().addShutdownHook(new Thread(devices::close, "qcowdesk-shutdown"));
        model = new AppModel(directories, new EngineImageTools(), devices).start();
        new MainWindow(model, stage).show();
    }

    @Override
    public void stop() {
        if (model != null) {
            model.close();
        }
    }
}
