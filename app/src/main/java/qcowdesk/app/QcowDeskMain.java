package qcowdesk.app;

import java.util.List;
import java.util.concurrent.CompletableFuture;

import javafx.application.Application;
import qcowdesk.app.devices.DeviceService;
import qcowdesk.app.instance.SingleInstance;
import qcowdesk.app.settings.AppDirectories;
import qcowdesk.engine.support.DaemonThreads;

/**
 * The desktop app's entry point. While an app runs, a launch hands its files to it (see {@link SingleInstance})
 * and exits before any window or device exists. Otherwise the devices are opened on a thread of their own while
 * JavaFX starts, and {@link QcowDeskApp} shows the main window with them.
 *
 * <p>Not the {@link Application} itself: for a main class that is one, the Java launcher starts the JavaFX
 * toolkit before any of the app's code runs, and the devices would wait for it. The application class keeps
 * its name, which GTK gives the windows as their class (the desktop entry's StartupWMClass).
 */
public final class QcowDeskMain {

    private QcowDeskMain() {
    }

    public static void main(String[] args) {
        SessionBus.missing(System.getenv()).ifPresent(System.err::println);
        AppDirectories directories = AppDirectories.fromEnvironment();
        if (SingleInstance.handOff(QcowDeskApp.socket(directories), QcowDeskApp.files(List.of(args)))) {
            System.exit(0);
        }
        CompletableFuture<DeviceService> devices = new CompletableFuture<>();
        DaemonThreads.start("qcowdesk-devices", () -> {
            try {
                devices.complete(QcowDeskApp.openUntilExit(directories));
            } catch (Throwable e) {
                devices.completeExceptionally(e);
            }
        });
        QcowDeskApp.launch(directories, devices, args);
    }
}
