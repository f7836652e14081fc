package qcowdesk.app.devices;

import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.DialogPane;
import javafx.scene.control.RadioButton;
import javafx.scene.control.TableView;
import javafx.scene.control.TextField;
import javafx.scene.input.KeyCode;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;
import org.testfx.matcher.control.LabeledMatchers;
import qcowdesk.app.AppUiTest;
import qcowdesk.app.Fx;
import qcowdesk.app.inspect.Headless;
import qcowdesk.app.library.ImageItem;
import qcowdesk.app.library.ImageState;
import qcowdesk.engine.device.DeviceInfo;
import qcowdesk.testkit.Peers;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The attach dialog's third choice, temporary writes, and the detach question that follows (Discard, the
 * default / Keep as… / Commit into image), driven in the real main window with the embedded owner; qemu-io writes
 * through the NBD export and qemu-img judges the image and the kept file afterwards.
 */
class TemporaryDevicesUiTest extends AppUiTest {

    @Test
    void discardIsTheDefaultAndLeavesTheImageByteIdentical(FxRobot robot) throws Exception {
        Path image = image("discard.qcow2");
        byte[] before = Files.readAllBytes(image);
        attachTemporarilyAndWrite(robot, image);
        assertEquals("temp", Fx.get(() -> robot.lookup("#devices-table .table-cell").match(
                LabeledMatchers.hasText("temp")).queryLabeled().getText()), "the table shows the mode");

        askWhatBecomesOfTheWrites(robot);
        Headless.snapshot(robot.lookup("#temporary-writes-dialog").queryAs(DialogPane.class).getScene(),
                "temporary-writes-dialog");
        Button discard = robot.lookup("#temporary-writes-dialog .button").match(LabeledMatchers.hasText("Discard"))
                .queryButton();
        assertTrue(discard.isDefaultButton(), "Discard is the default");
        for (String other : List.of("Keep as…", "Commit into image")) {
            assertFalse(robot.lookup("#temporary-writes-dialog .button").match(LabeledMatchers.hasText(other))
                    .queryButton().isDefaultButton(), other + " is the default");
        }
        robot.type(KeyCode.ENTER);
        Fx.await("the device is gone", () -> app.deviceRows().isEmpty());
        closeOutcome(robot, "temporary writes discarded");
        assertArrayEquals(before, Files.readAllBytes(image), "discard changed the image");
        Peers.ok("qemu-img", "check", image.toString());
    }

    @Test
    void keepAsMakesANewImageWithTheWritesAndLeavesTheImage(FxRobot robot) throws Exception {
        Path image = image("keep.qcow2");
        byte[] before = Files.readAllBytes(image);
        Path expected = expectedAfterWrites(image);
        attachTemporarilyAndWrite(robot, image);

        askWhatBecomesOfTheWrites(robot);
        robot.clickOn("Keep as…");
        Path kept = dir.resolve("kept.qcow2");
        Fx.await("the file name is asked", () -> robot.lookup("#keep-path").tryQuery().isPresent());
        Fx.run(() -> robot.lookup("#keep-path").queryAs(TextField.class).setText(kept.toString()));
        robot.clickOn("OK");
        Fx.await("the device is gone", () -> app.deviceRows().isEmpty());
        // the row goes when serving stops; the copy into the new file is done when the outcome is told
        closeOutcome(robot, "temporary writes kept in " + kept);
        assertTrue(Files.exists(kept), "no kept file");
        assertArrayEquals(before, Files.readAllBytes(image), "keep changed the image");
        Peers.ok("qemu-img", "check", kept.toString());
        Peers.ok("qemu-img", "compare", "-q", expected.toString(), kept.toString());
    }

    @Test
    void commitPutsTheWritesIntoTheImage(FxRobot robot) throws Exception {
        Path image = image("commit.qcow2");
        Path expected = expectedAfterWrites(image);
        attachTemporarilyAndWrite(robot, image);
        Peers.Result differs = Peers.run("qemu-img", "compare", "-U", expected.toString(), image.toString());
        assertEquals(1, differs.exitCode(), "the image was written while attached: " + differs.stdout());

        askWhatBecomesOfTheWrites(robot);
        robot.clickOn("Commit into image");
        Fx.await("the device is gone", () -> app.deviceRows().isEmpty());
        // the row goes when serving stops; the commit holds the image until the outcome is told
        closeOutcome(robot, "temporary writes committed into " + image);
        Peers.ok("qemu-img", "check", image.toString());
        Peers.ok("qemu-img", "compare", "-q", expected.toString(), image.toString());
    }

    /** The detach tells what became of the writes (once its job is done); the test reads and closes it. */
    private static void closeOutcome(FxRobot robot, String outcome) {
        Fx.await("the outcome is told", () -> robot.lookup(".dialog-pane").queryAllAs(DialogPane.class).stream()
                .anyMatch(pane -> pane.getContentText() != null && pane.getContentText().startsWith(outcome)));
        robot.clickOn(robot.lookup(".dialog-pane .button").match(LabeledMatchers.hasText("OK")).queryButton());
    }

    private Path image(String name) {
        Path file = dir.resolve(name);
        Peers.ok("qemu-img", "create", "-q", "-f", "qcow2", file.toString(), "16M");
        Peers.ok("qemu-io", "-c", "write -P 0x5a 0 1M", file.toString());
        Fx.run(() -> app.model.library().add(file));
        Fx.await("the image is read", () -> app.model.library().find(file).orElseThrow().state() == ImageState.READY);
        return file;
    }

    /** A copy of {@code image} with the writes {@link #attachTemporarilyAndWrite} makes, done by qemu-io. */
    private Path expectedAfterWrites(Path image) throws Exception {
        Path expected = Files.copy(image, dir.resolve("expected-" + image.getFileName()));
        Peers.ok("qemu-io", "-f", "qcow2", "-c", "write -P 7 512k 1M", "-c", "write -z 4M 64k", expected.toString());
        return expected;
    }

    private void attachTemporarilyAndWrite(FxRobot robot, Path file) {
        robot.clickOn("#attach-button");
        @SuppressWarnings("unchecked")
        ComboBox<ImageItem> images = robot.lookup("#attach-image").queryAs(ComboBox.class);
        Fx.run(() -> images.setValue(app.model.library().find(file).orElseThrow()));
        Fx.await("the image is read", () -> robot.lookup("#attach-preview").queryLabeled().getText().contains("sectors"));
        robot.clickOn("#attach-temporary");
        assertFalse(Fx.get(() -> robot.lookup("#attach-read-only").queryAs(RadioButton.class).isSelected()));
        try {
            Headless.snapshot(robot.lookup("#attach-temporary").queryAs(RadioButton.class).getScene(),
                    "attach-dialog-temporary");
        } catch (Exception e) {
            throw new AssertionError("cannot take the attach dialog's picture", e);
        }
        robot.clickOn("Attach");
        Fx.await("the devices table shows qcow0", () -> app.deviceRows().stream().anyMatch(DeviceInfo::temporary));
        String uri = "nbd+unix:///qcow0?socket=" + app.directories.runtime().nbdSocket().toAbsolutePath();
        Peers.ok("qemu-io", "-f", "raw", "-c", "write -P 7 512k 1M", "-c", "write -z 4M 64k", uri);
    }

    /** Detach, confirmed; the question about the writes is then on screen. */
    private void askWhatBecomesOfTheWrites(FxRobot robot) {
        Fx.run(() -> {
            @SuppressWarnings("unchecked")
            TableView<DeviceInfo> table = (TableView<DeviceInfo>) app.window.scene().lookup("#devices-table");
            table.getSelectionModel().select(0);
        });
        Fx.await("Detach is enabled", () -> !robot.lookup("#detach-button").queryButton().isDisabled());
        robot.clickOn("#detach-button");
        robot.clickOn(robot.lookup(".dialog-pane .button").match(LabeledMatchers.hasText("Detach")).queryButton());
        Fx.await("the writes are asked about", () -> robot.lookup("#temporary-writes-dialog").tryQueryAs(DialogPane.class)
                .isPresent());
    }

}
