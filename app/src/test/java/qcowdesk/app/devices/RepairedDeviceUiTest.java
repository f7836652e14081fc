package qcowdesk.app.devices;

import javafx.scene.control.Label;
import javafx.scene.control.TableCell;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;
import qcowdesk.app.AppUiTest;
import qcowdesk.app.Fx;
import qcowdesk.bridge.control.ControlClient;
import qcowdesk.engine.device.DeviceInfo;
import qcowdesk.testkit.Peers;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An image left dirty by a writer that crashed (lazy refcounts, qemu-io killed) is attached read-write through the
 * app's owner: the owner repairs it first, and the app says so on that device — in its details, in the devices
 * table and in the status line — in the owner's words.
 */
class RepairedDeviceUiTest extends AppUiTest {

    private static boolean shows(FxRobot robot, String text) {
        return robot.lookup((Label label) -> label.getText() != null && label.getText().contains(text))
                .tryQuery().isPresent();
    }

    @Test
    void theRepairOfADirtyImageIsShownOnItsDevice(FxRobot robot) throws Exception {
        Path image = dir.resolve("crashed.qcow2");
        Peers.ok("qemu-img", "create", "-q", "-f", "qcow2", "-o", "lazy_refcounts=on", image.toString(), "8M");
        Peers.run("qemu-io", "-c", "write -P 0x33 0 1M", "-c", "sigraise 9", image.toString());
        assertEquals(2, Peers.run("qemu-img", "check", image.toString()).exitCode(), "qemu-io left it dirty");

        try (ControlClient client = ControlClient.connect(app.directories.runtime())) {
            client.attach(image.toString(), false, 9, "qcow0");
        }
        Fx.await("the owner's repair reaches the app", () -> app.model.devices().repairs().containsKey("qcow0"));
        Fx.await("the device is listed", () -> !app.model.devices().devices().isEmpty());
        Fx.run(() -> {
            DeviceInfo device = app.model.devices().devices().get(0);
            app.model.devices().selectedProperty().set(device);
        });
        Fx.await("the details say what was repaired", () -> shows(robot, "Repaired when attached: " + image
                + " was not closed cleanly (dirty bit"));
        Label note = robot.lookup("#detail-repaired").queryAs(Label.class);
        assertTrue(Fx.get(note::getText).contains("refcounts rebuilt"), Fx.get(note::getText));
        Fx.await("the table marks the device", () -> robot.lookup((TableCell<?, ?> cell) -> cell.getText() != null
                && cell.getText().endsWith("— repaired")).tryQuery().isPresent());
        Fx.await("the status line says it", () -> shows(robot, "qcow0: " + image + " was not closed cleanly"));

        try (ControlClient client = ControlClient.connect(app.directories.runtime())) {
            client.detach("qcow0", false);
        }
        Fx.await("the repair is forgotten with its device", () -> app.model.devices().repairs().isEmpty());
        Peers.ok("qemu-img", "check", image.toString());
    }
}
