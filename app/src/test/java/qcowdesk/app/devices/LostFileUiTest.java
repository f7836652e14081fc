package qcowdesk.app.devices;

import javafx.scene.control.Label;
import javafx.scene.control.TextField;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;
import qcowdesk.app.AppUiTest;
import qcowdesk.app.Fx;
import qcowdesk.bridge.control.ControlClient;
import qcowdesk.testkit.Peers;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An attached image's file deleted or renamed over while attached: the app notices, says so on the device and
 * the library entry, warns at detach and saves a copy of the still-open file that qemu-img accepts.
 */
class LostFileUiTest extends AppUiTest {

    private Path attached(String name, String unit) throws Exception {
        Path file = dir.resolve(name);
        Peers.ok("qemu-img", "create", "-f", "qcow2", file.toString(), "64M");
        try (ControlClient client = ControlClient.connect(app.directories.runtime())) {
            client.attach(file.toString(), false, 9, unit);
        }
        Fx.await("the library lists " + name, () -> app.model.library().find(file).map(item -> item.attached()).orElse(false));
        return file;
    }

    private boolean labelShows(FxRobot robot, String text) {
        return robot.lookup((Label label) -> label.getText() != null && label.getText().contains(text)).tryQuery().isPresent();
    }

    @Test
    void aDeletedFileIsNoticedAndACopyIsSavedBeforeDetaching(FxRobot robot) throws Exception {
        Path file = attached("doomed.qcow2", "qcow0");
        String uri = "nbd+unix:///qcow0?socket=" + app.directories.runtime().nbdSocket().toAbsolutePath();
        Peers.ok("qemu-io", "-f", "raw", "-c", "write -P 0x44 0 1M", uri);
        Files.delete(file);

        Fx.await("the library entry says the file is lost", () -> labelShows(robot, "file lost: save a copy before detaching"));
        Fx.run(() -> app.model.library().selectedProperty().set(app.model.library().find(file).orElseThrow()));
        Fx.await("the device details say it was deleted", () -> labelShows(robot, "was deleted while attached"));

        robot.clickOn("#detach-button");
        Fx.await("the detach dialog warns", () -> robot.lookup("qcow0's file is lost").tryQuery().isPresent());
        robot.clickOn("Save a copy…");
        Path rescued = dir.resolve("rescued.qcow2");
        Fx.await("the copy's name is asked", () -> robot.lookup("#copy-path").tryQuery().isPresent());
        Fx.run(() -> robot.lookup("#copy-path").queryAs(TextField.class).setText(rescued.toString()));
        robot.clickOn("OK");
        Fx.await(Duration.ofSeconds(30), "the detach question comes back once the copy is saved",
                () -> robot.lookup("qcow0's file is lost").tryQuery().isPresent());
        robot.clickOn("Cancel");

        Peers.ok("qemu-img", "check", rescued.toString());
        Peers.ok("qemu-io", "-r", "-c", "read -P 0x44 0 1M", rescued.toString());
    }

    @Test
    void aFileRenamedOverIsNoticed(FxRobot robot) throws Exception {
        Path file = attached("replaced.qcow2", "qcow1");
        Path other = dir.resolve("other.qcow2");
        Peers.ok("qemu-img", "create", "-f", "qcow2", other.toString(), "1M");
        Files.move(other, file, StandardCopyOption.REPLACE_EXISTING);
        Fx.await("the device says its path names another file", () -> app.model.devices().lostFiles()
                .getOrDefault("qcow1", "").contains("no longer names the attached file"));
        Fx.await("the table marks the device", () -> labelShows(robot, "— file lost")
                || robot.lookup((javafx.scene.control.TableCell<?, ?> cell) -> cell.getText() != null
                && cell.getText().endsWith("— file lost")).tryQuery().isPresent());
        assertTrue(Fx.get(() -> app.model.devices().lostFiles().size()) == 1);
    }
}
