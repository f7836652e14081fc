package qcowdesk.app.quit;

import javafx.scene.control.Label;
import javafx.scene.input.KeyCode;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;
import qcowdesk.app.AppUiTest;
import qcowdesk.app.Fx;
import qcowdesk.app.TestApp;
import qcowdesk.app.devices.BackgroundOwner;
import qcowdesk.app.devices.DeviceServices;
import qcowdesk.bridge.control.ControlClient;
import qcowdesk.bridge.owner.OwnerInfo;
import qcowdesk.engine.device.DeviceInfo;
import qcowdesk.testkit.Peers;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Quitting with devices attached, through the real window: the question names the devices, Cancel keeps
 * everything, Detach all quits, and Keep running hands the devices to a real qcowctl daemon that serves them
 * after the window is gone and that the next start of the app connects to.
 */
class QuitUiTest extends AppUiTest {

    private final List<TestApp> later = new ArrayList<>();
    private long daemonPid = -1;

    @Override
    protected void beforeStart() {
        javafx.application.Platform.setImplicitExit(false); // closing the window under test must not end the toolkit
    }

    /** Before the app under test is closed. */
    @AfterEach
    void closeLaterApps() {
        later.forEach(TestApp::close);
    }

    @Override
    protected void afterClose() {
        System.clearProperty(BackgroundOwner.COMMAND_PROPERTY);
        TestApp.stopBackgroundDaemon(daemonPid);
    }

    private Path attached(String name, String unit) throws Exception {
        Path file = dir.resolve(name);
        Peers.ok("qemu-img", "create", "-f", "qcow2", file.toString(), "64M");
        try (ControlClient client = ControlClient.connect(app.directories.runtime())) {
            client.attach(file.toString(), false, 9, unit);
        }
        Fx.await("the table shows " + unit, () -> app.model.devices().devices().stream().anyMatch(d -> d.unit().equals(unit)));
        return file;
    }

    private void pressQuit(FxRobot robot) {
        robot.press(KeyCode.CONTROL).type(KeyCode.Q).release(KeyCode.CONTROL);
    }

    @Test
    void quittingWithDevicesAttachedAsksFirstAndCancelKeepsEverything(FxRobot robot) throws Exception {
        Path file = attached("kept.qcow2", "qcow0");
        pressQuit(robot);
        Fx.await("the question names the device", () -> robot.lookup("1 device is attached").tryQuery().isPresent()
                && robot.lookup((Label label) -> label.getText() != null && label.getText().contains("qcow0: " + file))
                .tryQuery().isPresent());
        robot.type(KeyCode.ENTER); // the default is Cancel
        Fx.await("the question is gone", () -> robot.lookup("1 device is attached").tryQuery().isEmpty());
        assertTrue(Fx.get(stage::isShowing), "the window stays");
        assertEquals(1, app.model.devices().service().list().size(), "the device stays attached");

        pressQuit(robot);
        Fx.await("the question is asked again", () -> robot.lookup("Detach all and quit").tryQuery().isPresent());
        robot.clickOn("Detach all and quit");
        Fx.await("the window closed", () -> !stage.isShowing());
    }

    @Test
    void keepRunningHandsTheDevicesToADaemonThatTheNextStartConnectsTo(FxRobot robot) throws Exception {
        TestApp.useQcowctlFromTestClassPath();
        Path file = attached("served.qcow2", "qcow3");
        String uri = "nbd+unix:///qcow3?socket=" + app.directories.runtime().nbdSocket().toAbsolutePath();
        Peers.ok("qemu-io", "-f", "raw", "-c", "write -P 0x33 0 1M", uri);
        // a snapshot device goes on presenting its snapshot in the daemon, not the image's current state
        Path snaps = dir.resolve("snaps.qcow2");
        Peers.ok("qemu-img", "create", "-q", "-f", "qcow2", snaps.toString(), "16M");
        Peers.ok("qemu-io", "-c", "write -P 0x11 0 1M", snaps.toString());
        Peers.ok("qemu-img", "snapshot", "-c", "s1", snaps.toString());
        Peers.ok("qemu-io", "-c", "write -P 0x22 0 1M", snaps.toString());
        try (ControlClient client = ControlClient.connect(app.directories.runtime())) {
            client.attachSnapshot(snaps.toString(), "s1", 9, "qcow4", false);
        }
        Fx.await("the table shows qcow4", () -> app.model.devices().devices().size() == 2);

        pressQuit(robot);
        Fx.await("the question is asked", () -> robot.lookup("Keep running in the background").tryQuery().isPresent());
        robot.clickOn("Keep running in the background");
        Fx.await(Duration.ofSeconds(90), "the window closed after the hand-over", () -> !stage.isShowing());

        try (ControlClient client = ControlClient.connect(app.directories.runtime())) {
            OwnerInfo owner = client.hello();
            daemonPid = owner.pid();
            assertTrue(owner.description().contains("qcowctl daemon"), owner.description());
            List<DeviceInfo> devices = client.list();
            assertEquals(2, devices.size());
            assertEquals("qcow3", devices.get(0).unit());
            assertEquals(file.toString(), devices.get(0).fileName());
            assertEquals("qcow4", devices.get(1).unit());
            assertEquals("s1", devices.get(1).snapshot(), "the snapshot device lost its snapshot");
        }
        Peers.ok("qemu-io", "-r", "-f", "raw", "-c", "read -P 0x33 0 1M", uri);
        Peers.ok("qemu-io", "-r", "-f", "raw", "-c", "read -P 0x11 0 1M",
                "nbd+unix:///qcow4?socket=" + app.directories.runtime().nbdSocket().toAbsolutePath());

        TestApp next = Fx.get(() -> TestApp.start(new Stage(), dir, DeviceServices::open));
        later.add(next);
        Fx.await("the next start lists the device", () -> next.model.devices().devices().size() == 2);
        String status = Fx.get(() -> next.window.scene().lookup("#status-connection") instanceof Label label ? label.getText() : "");
        assertTrue(status.contains("qcowctl daemon"), status);
    }
}
