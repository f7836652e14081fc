package qcowdesk.app.settings;

import javafx.scene.control.ComboBox;
import javafx.scene.Node;
import javafx.scene.control.Label;
import javafx.scene.control.Labeled;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import qcowdesk.app.Fx;
import qcowdesk.app.QcowDeskApp;
import qcowdesk.app.TestApp;
import qcowdesk.app.devices.BackgroundOwner;
import qcowdesk.app.devices.DeviceServices;
import qcowdesk.app.library.ImageItem;
import qcowdesk.app.library.ImageState;
import qcowdesk.app.window.AppModel;
import qcowdesk.bridge.control.ControlClient;
import qcowdesk.bridge.owner.OwnerInfo;
import qcowdesk.testkit.Peers;

import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Devices > Keep devices running after quitting, ticked in the menu, makes a background daemon the owner: the
 * next start of the app starts a real qcowctl daemon and is its client, so an image attached from the attach
 * dialog is the daemon's device and outlives the window.
 */
@ExtendWith(ApplicationExtension.class)
class BackgroundOwnerPreferenceUiTest {

    @TempDir
    Path dir;
    private long daemonPid = -1;

    @Start
    void start(Stage primary) {
        // nothing on the primary stage: this test opens its own windows, one per start of the app
    }

    @AfterEach
    void stopDaemon() {
        System.clearProperty(BackgroundOwner.COMMAND_PROPERTY);
        TestApp.stopBackgroundDaemon(daemonPid);
    }

    /** The app as QcowDeskApp starts it: the owner chosen by the preference kept in the config dir. */
    private TestApp startApp() {
        return Fx.get(() -> TestApp.start(new Stage(), dir, runtime ->
                QcowDeskApp.openDevices(new AppDirectories(dir.resolve("config"), runtime))));
    }

    @Test
    @SuppressWarnings("unchecked")
    void tickingKeepRunningMakesTheNextAttachADaemonsDevice(FxRobot robot) throws Exception {
        TestApp.useQcowctlFromTestClassPath();
        TestApp first = startApp();
        assertTrue(first.model.devices().service().ownsDevices(), "without the preference the app owns the devices");
        // the menu bar's Devices menu (the devices pane has a "Devices" title of its own)
        robot.clickOn(robot.lookup(".menu-bar .menu-button").match((Labeled menu) -> menu.getText().endsWith("Devices"))
                .<Node>query());
        robot.clickOn("Keep devices running after quitting");
        Fx.await("the preference is taken", () -> first.model.settings().backgroundOwner());
        first.close();
        assertTrue(AppModel.readSettings(first.directories).backgroundOwner(), "kept in settings.json");
        Fx.run(() -> ((Stage) first.window.scene().getWindow()).close());

        TestApp second = startApp();
        try {
            assertFalse(second.model.devices().service().ownsDevices(), "the app is a client now");
            String status = Fx.get(() -> robot.lookup("#status-connection").queryAs(Label.class).getText());
            assertTrue(status.startsWith("Connected to the running qcowctl daemon"), status);

            Path image = dir.resolve("kept.qcow2");
            Peers.ok("qemu-img", "create", "-f", "qcow2", image.toString(), "16M");
            Fx.run(() -> second.model.library().add(image));
            Fx.await("the image is read", () -> second.model.library().find(image).orElseThrow().state() == ImageState.READY);
            robot.clickOn("#attach-button");
            ComboBox<ImageItem> images = robot.lookup("#attach-image").queryAs(ComboBox.class);
            Fx.run(() -> images.setValue(second.model.library().find(image).orElseThrow()));
            Fx.await("the dialog has read the image", () -> robot.lookup("#attach-preview").queryLabeled().getText().contains("sectors"));
            robot.clickOn("Attach");
            Fx.await(Duration.ofSeconds(30), "the device shows", () -> second.deviceRows().size() == 1);

            try (ControlClient client = ControlClient.connect(TestApp.runtimeDirectory(dir))) {
                OwnerInfo owner = client.hello();
                daemonPid = owner.pid();
                assertEquals("qcowctl daemon", owner.description());
                assertNotEquals(ProcessHandle.current().pid(), owner.pid(), "a process of its own");
                assertEquals(image.toString(), client.list().get(0).fileName(), "the daemon owns the attached image");
            }
        } finally {
            second.close();
            Fx.run(() -> ((Stage) second.window.scene().getWindow()).close());
        }
        try (ControlClient client = ControlClient.connect(TestApp.runtimeDirectory(dir))) {
            assertEquals(1, client.list().size(), "the device outlives the window");
        }
    }
}
