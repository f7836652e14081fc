package qcowdesk.app.mount;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import javafx.embed.swing.SwingFXUtils;
import javafx.scene.Scene;
import javafx.scene.control.ComboBox;
import javafx.geometry.Orientation;
import javafx.scene.control.ScrollBar;
import javafx.scene.control.TableView;
import javafx.scene.control.TextField;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;
import org.testfx.matcher.control.LabeledMatchers;
import qcowdesk.app.AppUiTest;
import qcowdesk.app.Fx;
import qcowdesk.engine.device.AttachRequest;
import qcowdesk.engine.device.DeviceInfo;
import qcowdesk.testkit.GptExt4Disk;
import qcowdesk.testkit.Peers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Mount from the real main window with the embedded owner (FUSE + loop route, as root), the mount point in the
 * devices table, and the busy dialog that names the mount and offers "Unmount and detach". Also saves the
 * screenshot of a mounted device the README shows.
 */
class MountUiTest extends AppUiTest {

    @Test
    void mountShowsTheFolderAndTheBusyDetachOffersUnmountAndDetach(FxRobot robot) throws Exception {
        Path image = GptExt4Disk.create(dir, "debian-data.qcow2", 512);
        Fx.run(() -> app.model.library().add(image));
        Fx.run(() -> app.model.devices().attach(new AttachRequest(image.toString(), false, 0, null), device -> { },
                failure -> app.model.jobs().report("attach", failure.error())));
        Fx.await("the device is listed", () -> app.deviceRows().size() == 1);
        DeviceInfo device = app.deviceRows().get(0);
        Fx.run(() -> app.model.devices().selectedProperty().set(device));

        // a short folder name, so that the screenshot shows it whole
        Path folder = Files.createDirectory(Path.of("/tmp", "data-" + ProcessHandle.current().pid()));
        robot.clickOn("#mount-button");
        Fx.await("the dialog lists the partitions", () -> robot.lookup("#mount-partition").tryQuery().isPresent());
        @SuppressWarnings("unchecked")
        ComboBox<MountTarget> partition = robot.lookup("#mount-partition").queryAs(ComboBox.class);
        // the contents readers found the GPT partition and its ext4
        assertEquals(List.of("Partition 1: ext4", "The whole disk"),
                Fx.get(() -> partition.getItems().stream().map(MountTarget::label).toList()));
        Fx.run(() -> robot.lookup("#mount-folder").queryAs(TextField.class).setText(folder.toString()));
        robot.clickOn(robot.lookup(".dialog-pane .button").match(LabeledMatchers.hasText("Mount")).queryButton());
        Fx.await(Duration.ofSeconds(60), "the table shows the mount point",
                () -> app.model.devices().mountsOf("qcow0").size() == 1);
        assertEquals("hello\n", Files.readString(folder.resolve("hello.txt")), "the files are in the folder");
        Files.writeString(folder.resolve("from-the-app.txt"), "written through the mount\n");
        Fx.await("the Mounted on column shows it", () -> robot.lookup(folder + " (p1, fuse-loop)").tryQuery().isPresent());
        Fx.await("the details give the mount point whole", () -> robot.lookup("#detail-mount-1").tryQuery().isPresent()
                && robot.lookup("#detail-mount-1").queryAs(TextField.class).getText().equals(folder.toString()));
        // at the window's 1280 px every column is in view: the table does not scroll sideways
        TableView<?> table = robot.lookup("#devices-table").queryAs(TableView.class);
        assertEquals(1280, Fx.get(() -> app.window.scene().getWidth()), 1);
        assertTrue(Fx.get(() -> table.lookupAll(".scroll-bar").stream()
                .noneMatch(bar -> bar instanceof ScrollBar scroll && scroll.getOrientation() == Orientation.HORIZONTAL
                        && scroll.isVisible())), "no horizontal scroll bar on the devices table");
        double columns = Fx.get(() -> table.getColumns().stream().mapToDouble(c -> c.getWidth()).sum());
        assertTrue(columns <= Fx.get(table::getWidth), "columns " + columns + " px in a table of " + Fx.get(table::getWidth));
        saveScreenshot();

        robot.clickOn("#detach-button");
        // the mount's own NBD connections make the device look busy: Detach asks who holds it
        robot.clickOn(robot.lookup(".dialog-pane .button").match(LabeledMatchers.hasText("Detach")).queryButton());
        Fx.await("the busy dialog names the mount", () -> robot.lookup("qcow0 is busy").tryQuery().isPresent());
        String reason = Fx.get(() -> robot.lookup("#busy-dialog").queryAs(javafx.scene.control.DialogPane.class)
                .getContentText());
        assertTrue(reason.contains("on " + folder), reason);
        assertTrue(reason.contains("nbdfuse") && reason.contains("part of a mount"), reason);
        robot.clickOn("Unmount and detach");
        Fx.await(Duration.ofSeconds(60), "the device is detached", () -> {
            var failure = app.model.jobs().lastFailureProperty().get();
            assertTrue(failure == null, () -> failure.title() + ": " + failure.message());
            return app.model.devices().service().list().isEmpty();
        });
        assertTrue(app.model.devices().service().mounts().isEmpty());
        Files.delete(folder);
        Peers.ok("qemu-img", "check", image.toString());
        Path raw = dir.resolve("back.raw");
        Peers.ok("qemu-img", "convert", "-O", "raw", image.toString(), raw.toString());
        // the partition starts at 1 MiB: debugfs reads the filesystem at that offset
        assertTrue(Peers.ok("debugfs", "-R", "cat /from-the-app.txt", raw + "?offset=1048576").stdout()
                .contains("written through the mount"));
    }

    private void saveScreenshot() throws IOException {
        Path output = Files.createDirectories(Path.of(System.getProperty("qcowdesk.screenshots", "target/screenshots")));
        Scene scene = app.window.scene();
        var image = Fx.get(() -> scene.snapshot(null));
        ImageIO.write(SwingFXUtils.fromFXImage(image, null), "png", output.resolve("main-window-mounted.png").toFile());
    }
}
