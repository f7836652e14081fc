package qcowdesk.app.devices;

import javafx.scene.control.Button;
import javafx.scene.control.Label;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;
import qcowdesk.app.AppUiTest;
import qcowdesk.app.Fx;
import qcowdesk.app.TestApp;
import qcowdesk.bridge.control.ControlClient;
import qcowdesk.bridge.host.DeviceHost;
import qcowdesk.testkit.Peers;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The owner the app is a client of exits: the table is cleared (its devices went with it), the status bar says
 * the owner is lost instead of "Connected", and "Start a background owner" starts a real qcowctl daemon that
 * the app then uses.
 */
class OwnerLostUiTest extends AppUiTest {

    private DeviceHost owner;
    private long daemonPid = -1;

    @Override
    protected void beforeStart() throws IOException {
        owner = DeviceHost.start(DeviceServices.ownerOptions(runtime().ensureExists(), "qcowctl daemon"));
    }

    @Override
    protected void afterClose() throws IOException {
        if (owner != null) {
            owner.close();
        }
        System.clearProperty(BackgroundOwner.COMMAND_PROPERTY);
        TestApp.stopBackgroundDaemon(daemonPid);
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
        Fx.await("the table shows the device", () -> app.deviceRows().size() == 1);

        owner.close();
        owner = null;
        Fx.await("the table is cleared", () -> app.deviceRows().isEmpty());
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
