package qcowdesk.app;

import javafx.embed.swing.SwingFXUtils;
import javafx.scene.Scene;
import javafx.scene.control.TabPane;
import javafx.stage.Window;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;
import qcowdesk.app.library.ImageState;
import qcowdesk.engine.device.AttachRequest;
import qcowdesk.testkit.Peers;

import javax.imageio.ImageIO;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Screenshots of the real app for the README: the main window (library, info, devices), the allocation map, the
 * hex view and the attach dialog. Written to {@code target/screenshots}, or to the directory named by the
 * {@code qcowdesk.screenshots} property ({@code app/screenshots.sh} sets it to {@code docs/screenshots}).
 */
class ScreenshotsTest extends AppUiTest {

    @Test
    void mainWindowMapHexAndAttachDialog(FxRobot robot) throws Exception {
        Path output = Files.createDirectories(Path.of(System.getProperty("qcowdesk.screenshots", "target/screenshots")));
        Path debian = image("debian-12.qcow2", "20G", "write -P 0x51 0 1M", "write -P 0x43 64M 8M",
                "write -P 0x4f 1G 32M", "write -z 2G 64M", "write -P 0x57 5G 16M");
        Path scratch = image("scratch.qcow2", "4G", "write -P 0xab 0 2M");
        Path windows = image("win11-test.qcow2", "64G", "write -P 0x4e 0 4M");
        Path missing = image("old-backup.qcow2", "1G");
        for (Path image : List.of(debian, scratch, windows, missing)) {
            Fx.run(() -> app.model.library().add(image));
        }
        Fx.await("the images are read", () -> app.model.library().images().stream()
                .allMatch(item -> item.state() == ImageState.READY));
        Files.delete(missing);
        Fx.run(() -> app.model.library().refresh(app.model.library().find(missing).orElseThrow()));
        attach(debian, false, 9);
        attach(scratch, true, 12);
        Fx.await("both devices are listed", () -> app.model.devices().devices().size() == 2);

        Fx.run(() -> app.model.library().selectedProperty().set(app.model.library().find(debian).orElseThrow()));
        Fx.await("the stat of the open file is shown", () -> app.model.info().statProperty().get() != null);
        save(app.window.scene(), output.resolve("main-window.png"));

        selectTab(robot, 1);
        Fx.await("the map is drawn", () -> app.model.inspection().shownProperty().get() != null);
        Thread.sleep(1500); // the map is scanned in the background and drawn in batches
        save(app.window.scene(), output.resolve("main-window-map.png"));

        selectTab(robot, 2);
        Fx.await("the hex view shows a sector", () -> app.window.hexPane().shownSector() != null);
        save(app.window.scene(), output.resolve("main-window-hex.png"));

        selectTab(robot, 0);
        robot.clickOn("#attach-button");
        @SuppressWarnings("unchecked")
        javafx.scene.control.ComboBox<qcowdesk.app.library.ImageItem> images = robot.lookup("#attach-image")
                .queryAs(javafx.scene.control.ComboBox.class);
        // an image that is not attached yet: the selected one is, and the dialog would say so
        Fx.run(() -> images.setValue(images.getItems().stream().filter(item -> !item.attached()).findFirst()
                .orElse(images.getValue())));
        Fx.await("the attach dialog reads the image", () -> !robot.lookup("#attach-preview").queryLabeled().getText().isEmpty());
        Window dialog = robot.window("Attach an image");
        save(dialog.getScene(), output.resolve("attach-dialog.png"));
        robot.clickOn("Cancel");

        Fx.run(() -> app.model.darkThemeProperty().set(true));
        selectTab(robot, 1);
        Thread.sleep(1000); // the map reads its colours from the new theme and redraws
        save(app.window.scene(), output.resolve("main-window-dark.png"));
        Fx.run(() -> app.model.darkThemeProperty().set(false));

        for (String name : List.of("main-window.png", "main-window-map.png", "main-window-hex.png", "attach-dialog.png",
                "main-window-dark.png")) {
            assertTrue(Files.size(output.resolve(name)) > 10_000, name + " has content");
        }
    }

    private Path image(String name, String size, String... writes) {
        Path file = dir.resolve(name);
        Peers.ok("qemu-img", "create", "-f", "qcow2", file.toString(), size);
        for (String write : writes) {
            Peers.ok("qemu-io", "-c", write, file.toString());
        }
        return file;
    }

    private void attach(Path image, boolean readOnly, int secBits) {
        Fx.run(() -> app.model.devices().attach(new AttachRequest(image.toString(), readOnly, secBits, null),
                device -> { }, failure -> app.model.jobs().report("attach", failure.error())));
    }

    private void selectTab(FxRobot robot, int index) {
        Fx.run(() -> robot.lookup("#image-tabs").queryAs(TabPane.class).getSelectionModel().select(index));
    }

    private static void save(Scene scene, Path file) throws IOException {
        var image = Fx.get(() -> scene.snapshot(null));
        ImageIO.write(SwingFXUtils.fromFXImage(image, null), "png", file.toFile());
    }
}
