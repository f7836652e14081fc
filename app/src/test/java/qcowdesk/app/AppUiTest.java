package qcowdesk.app;

import java.nio.file.Path;

import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxToolkit;
import org.testfx.framework.junit5.ApplicationExtension;
import qcowdesk.app.devices.DeviceService;
import qcowdesk.app.devices.DeviceServices;
import qcowdesk.bridge.RuntimeDirectory;

/**
 * A UI test of the real app: before each test the app ({@link TestApp}) starts on TestFX's primary stage, with its
 * config and runtime directories in the test's temporary directory {@link #dir}; after each test it is closed. A
 * subclass's own {@code @AfterEach} methods run before the app is closed, {@link #afterClose} after it.
 *
 * <p>TestFX's extension calls {@code @Start} methods only when the test class itself declares them, so the app
 * starts here in a {@code @BeforeEach}, on the FX thread, on the stage that TestFX registered for the test.
 */
@ExtendWith(ApplicationExtension.class)
public abstract class AppUiTest {

    @TempDir
    protected Path dir;

    /** The app under test, started before each test. */
    protected TestApp app;

    /** TestFX's stage, which shows the app's main window. */
    protected Stage stage;

    /** The app's device service; by default what it opens when started for real: its own owner, or the running one. */
    protected DeviceService devices(RuntimeDirectory runtime) {
        return DeviceServices.open(runtime);
    }

    /** The directory that holds the app's config and runtime directories. */
    protected Path appDirectory() {
        return dir;
    }

    /** The app's runtime directory: where an owner that the app should find already running has to run. */
    protected RuntimeDirectory runtime() {
        return TestApp.runtimeDirectory(appDirectory());
    }

    /** Runs before the app starts, off the FX thread: an owner the app should find already running, say. */
    protected void beforeStart() throws Exception {
    }

    /** Runs after the app was closed, even when closing it failed: stops what {@link #beforeStart} started. */
    protected void afterClose() throws Exception {
    }

    @BeforeEach
    protected final void startApp() throws Exception {
        beforeStart();
        stage = FxToolkit.toolkitContext().getRegisteredStage();
        app = Fx.get(() -> TestApp.start(stage, appDirectory(), this::devices));
    }

    @AfterEach
    protected final void closeApp() throws Exception {
        try {
            if (app != null) {
                app.close();
            }
        } finally {
            afterClose();
        }
    }
}
