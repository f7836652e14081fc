package qcowdesk.app.devices;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

import javafx.scene.control.CheckBox;
import javafx.scene.control.ComboBox;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;
import qcowdesk.app.AppUiTest;
import qcowdesk.app.Fx;
import qcowdesk.app.library.ImageItem;
import qcowdesk.app.library.ImageState;
import qcowdesk.app.library.LibraryStore;
import qcowdesk.testkit.Peers;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The attach dialog and the external files policy: it lists every file the image opens, refuses a backing file
 * outside the image's directory until the user ticks the box that names it, remembers that consent in the library
 * store for that image and that file (device and inode), and asks again when the file is swapped for another.
 */
class ExternalFilesDialogTest extends AppUiTest {

    private void openDialogOn(FxRobot robot, Path file) {
        robot.clickOn("#attach-button");
        @SuppressWarnings("unchecked")
        ComboBox<ImageItem> images = robot.lookup("#attach-image").queryAs(ComboBox.class);
        Fx.run(() -> images.setValue(app.model.library().find(file).orElseThrow()));
        Fx.await("the image is read", () -> robot.lookup("#attach-preview").queryLabeled().getText().contains("sectors"));
    }

    /** Fires a dialog button (the dialog grows with the file list; a click could miss it on a small screen). */
    private static void press(FxRobot robot, String text) {
        javafx.scene.control.Button button = robot.lookup((javafx.scene.Node node) ->
                node instanceof javafx.scene.control.Button b && text.equals(b.getText())).queryButton();
        Fx.run(button::fire);
    }

    private void closeDialog(FxRobot robot) {
        CheckBox box = consent(robot);
        Fx.run(() -> box.getScene().getWindow().hide());
    }

    private CheckBox consent(FxRobot robot) {
        return robot.lookup("#attach-allow-external-files").queryAs(CheckBox.class);
    }

    @Test
    void aBackingFileOutsideNeedsTheBoxThatNamesItAndTheConsentIsRemembered(FxRobot robot) throws Exception {
        Path base = Files.createDirectories(dir.resolve("shared")).resolve("base.raw");
        Peers.ok("qemu-img", "create", "-q", "-f", "raw", base.toString(), "4M");
        Path overlay = Files.createDirectories(dir.resolve("vm")).resolve("overlay.qcow2");
        Peers.ok("qemu-img", "create", "-q", "-f", "qcow2", "-b", "../shared/base.raw", "-F", "raw",
                overlay.toString(), "4M");
        Fx.run(() -> app.model.library().add(overlay));
        Fx.await("the image is read", () -> app.model.library().find(overlay).orElseThrow().state() == ImageState.READY);

        openDialogOn(robot, overlay);
        Fx.await("the consent box names the backing file", () -> consent(robot).isVisible()
                && consent(robot).getText().contains(base.toRealPath().toString()));
        assertTrue(Fx.get(() -> robot.lookup("#attach-files").queryLabeled().getText())
                .contains("backing file: " + base.toRealPath()));
        assertFalse(Fx.get(() -> consent(robot).isSelected()));

        press(robot, "Attach");
        Fx.await("the attach is refused", () -> !robot.lookup("#attach-error").queryLabeled().getText().isEmpty()
                || !app.deviceRows().isEmpty());
        String refusal = Fx.get(() -> robot.lookup("#attach-error").queryLabeled().getText());
        assertTrue(refusal.contains(base.toRealPath().toString()), refusal);
        assertTrue(app.deviceRows().isEmpty());

        Fx.run(() -> consent(robot).setSelected(true));
        press(robot, "Attach");
        Fx.await("the device is attached", () -> app.deviceRows().size() == 1);
        Fx.await("the consent is stored in the library", () -> read(dir.resolve("config")
                .resolve(LibraryStore.FILE_NAME)).contains("\"ino\""));
        app.model.devices().service().detach(app.deviceRows().get(0).unit(), false);
        Fx.await("detached", () -> app.deviceRows().isEmpty());

        openDialogOn(robot, overlay);
        Fx.await("the consent given before is ticked", () -> consent(robot).isVisible() && consent(robot).isSelected());
        closeDialog(robot);
        Fx.await("the dialog is closed", () -> robot.lookup("#attach-allow-external-files").tryQuery().isEmpty());

        // the same name, another file: the consent was for the old one
        Path swapped = base.resolveSibling("other.raw");
        Peers.ok("qemu-img", "create", "-q", "-f", "raw", swapped.toString(), "4M");
        Files.move(swapped, base, StandardCopyOption.REPLACE_EXISTING);
        openDialogOn(robot, overlay);
        Fx.await("the box shows again", () -> consent(robot).isVisible());
        assertFalse(Fx.get(() -> consent(robot).isSelected()), "a swapped file asks again");
        closeDialog(robot);
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (java.io.IOException e) {
            return "";
        }
    }
}
