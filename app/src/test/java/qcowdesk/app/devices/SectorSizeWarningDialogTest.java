package qcowdesk.app.devices;

import java.nio.file.Path;

import javafx.scene.control.ComboBox;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;
import qcowdesk.app.AppUiTest;
import qcowdesk.app.Fx;
import qcowdesk.app.library.ImageItem;
import qcowdesk.app.library.ImageState;
import qcowdesk.engine.contents.partition.SectorSizeWarning;
import qcowdesk.testkit.Peers;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The attach dialog warns, before anything is attached, when the disk's partition table was written for another
 * sector size than the one chosen, in the engine's words, and the warning goes when the sizes agree again.
 */
class SectorSizeWarningDialogTest extends AppUiTest {

    private static String warning(FxRobot robot) {
        return Fx.get(() -> robot.lookup("#attach-sector-size-warning").queryLabeled().getText());
    }

    @Test
    @SuppressWarnings("unchecked")
    void aGptWrittenFor512ByteSectorsIsWarnedAboutWhen4096IsChosen(FxRobot robot) {
        Peers.require("sfdisk");
        Path raw = dir.resolve("gpt512.raw");
        Path image = dir.resolve("gpt512.qcow2");
        Peers.ok("qemu-img", "create", "-q", "-f", "raw", raw.toString(), "32M");
        Peers.ok("bash", "-euc", "sfdisk -q --no-reread --no-tell-kernel " + raw + " <<'END'\nlabel: gpt\n"
                + "size=8M\nEND");
        Peers.ok("qemu-img", "convert", "-q", "-f", "raw", "-O", "qcow2", raw.toString(), image.toString());
        Fx.run(() -> app.model.library().add(image));
        Fx.await("the image is read", () -> app.model.library().find(image).orElseThrow().state() == ImageState.READY);

        robot.clickOn("#attach-button");
        ComboBox<ImageItem> images = robot.lookup("#attach-image").queryAs(ComboBox.class);
        Fx.run(() -> images.setValue(app.model.library().find(image).orElseThrow()));
        Fx.await("the image is read", () -> robot.lookup("#attach-preview").queryLabeled().getText().contains("sectors"));
        assertEquals("", warning(robot), "512-byte sectors agree with the table");

        ComboBox<Integer> sectorSize = robot.lookup("#attach-sector-size").queryAs(ComboBox.class);
        Fx.run(() -> sectorSize.setValue(4096));
        Fx.await("the mismatch is shown", () -> !warning(robot).isEmpty());
        assertEquals(SectorSizeWarning.text(512, 4096), warning(robot));

        Fx.run(() -> sectorSize.setValue(512));
        Fx.await("the warning goes", () -> warning(robot).isEmpty());
        Fx.run(() -> sectorSize.getScene().getWindow().hide());
    }
}
