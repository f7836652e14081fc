package qcowdesk.app.devices;

import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.TableView;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import qcowdesk.app.Fx;
import qcowdesk.app.TestApp;
import qcowdesk.bridge.RuntimeDirectory;
import qcowdesk.bridge.control.ControlClient;
import qcowdesk.bridge.host.DeviceHost;
import qcowdesk.engine.device.DeviceInfo;
import qcowdesk.testkit.Peers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The owner the app is a client of exits: the table is cleared (its devices went with it), the status bar says
 * the owner is lost instead of "Connected", and "Start a background owner" starts a real qcowctl daemon that
 * the app then uses.
 */
@ExtendWith(ApplicationExtension.class)
class OwnerLostUiTest {

    @TempDir
    Path dir;
    private DeviceHost owner;
    private TestApp app;
    private long daemonPid = -1;

    @Start
    void start(Stage stage) {
        try {
            owner = DeviceHost.start(DeviceServices.ownerOptions(
                    new RuntimeDirectory(dir.resolve("run")).ensureExists(), "qcowctl daemon"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        app = TestApp.start(stage, dir, DeviceServices::open);
    }

    @AfterEach
    void close() throws IOException {
        app.close();
        if (owner != null) {
            owner.close();
        }
        System.clearProperty(BackgroundOwner.COMMAND_PROPERTY);
        ProcessHandle.of(daemonPid).ifPresent(daemon -> {
            daemon.destroy();
            daemon.onExit().orTimeout(20, TimeUnit.SECONDS).join();
        });
    }

    @SuppressWarnings("unchecked")
    private List<DeviceInfo> rows() {
        return Fx.get(() -> List.copyOf(((TableView<DeviceInfo>) app.window.scene().lookup("#devices-table")).getItems()));
    }

    private String status(FxRobot robot) {
        return Fx.get(() -> robot.lookup("#status-connection").queryAs(Label.class).getText());
    }

    @Test
    void aLostOwnerIsShownAsLostAndANewOneCanBeStarted(FxRobot robot) throws Exception {
        Path image = dir.resolve("shared.qcow2");
        Peers.ok("qemu-img", "create", "-f", "qcow2", image.toString(), "16M");
        try (ControlClient client = ControlClient.connect(app.directories.runtime())) {
            client.attach(image.toString(), false, 9, "qcow0");
        }
        Fx.await("the table shows the device", () -> rows().size() == 1);

        owner.close();
        owner = null;
        Fx.await("the table is cleared", () -> rows().isEmpty());
        Fx.await("the status bar says the owner is lost", () -> status(robot).startsWith("The device owner is gone"));
        assertTrue(Fx.get(() -> robot.lookup("#start-owner").queryAs(Button.class).isVisible()));

        TestApp.useQcowctlFromTestClassPath();
        robot.clickOn("#start-owner");
        Fx.await(Duration.ofSeconds(90), "the app uses the new owner", () -> {
            return status(robot).startsWith("Connected to the running qcowctl daemon");
        });
        try (ControlClient client = ControlClient.connect(app.directories.runtime())) {
            daemonPid = client.hello().pid();
        }
        assertTrue(daemonPid != ProcessHandle.current().pid(), "a daemon process of its own");
        assertTrue(Fx.get(() -> !robot.lookup("#start-owner").queryAs(Button.class).isVisible()));
    }
}
