package qcowdesk.app.newimage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import javafx.scene.control.TextField;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;
import qcowdesk.app.AppUiTest;
import qcowdesk.app.Fx;
import qcowdesk.app.library.ImageState;
import qcowdesk.app.devices.DeviceService;
import qcowdesk.app.devices.UnavailableDeviceService;
import qcowdesk.bridge.RuntimeDirectory;
import qcowdesk.testkit.Peers;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** File > New image… creates an image qemu-img accepts, and bad input is answered inside the dialog. */
class NewImageDialogTest extends AppUiTest {

    @Override
    protected DeviceService devices(RuntimeDirectory runtime) {
        return new UnavailableDeviceService(runtime.nbdSocket(), "not needed");
    }

    @Test
    void createsAnImageThatQemuAcceptsAndAddsItToTheLibrary(FxRobot robot) throws Exception {
        Path image = dir.resolve("new.qcow2");
        robot.clickOn("File").clickOn("New image…");
        Fx.run(() -> {
            robot.lookup("#new-file").queryAs(TextField.class).setText(image.toString());
            robot.lookup("#new-size").queryAs(TextField.class).setText("2G");
        });
        robot.clickOn("Create");
        Fx.await("the new image is in the library and read", () -> app.model.library().find(image)
                .map(item -> item.state() == ImageState.READY).orElse(false));

        Peers.ok("qemu-img", "check", image.toString());
        JsonNode info = new ObjectMapper().readTree(Peers.ok("qemu-img", "info", "--output=json", image.toString()).stdout());
        assertEquals(2L << 30, info.get("virtual-size").asLong());
        assertEquals(65536, info.get("cluster-size").asInt());
        assertEquals("1.1", info.path("format-specific").path("data").path("compat").asText());
        assertEquals(image, Fx.get(() -> app.model.library().selected().path()), "the new image is selected");
    }

    @Test
    void aBadSizeIsExplainedInTheDialog(FxRobot robot) {
        Path image = dir.resolve("never.qcow2");
        robot.clickOn("File").clickOn("New image…");
        Fx.run(() -> {
            robot.lookup("#new-file").queryAs(TextField.class).setText(image.toString());
            robot.lookup("#new-size").queryAs(TextField.class).setText("ten gigs");
        });
        robot.clickOn("Create");
        String error = Fx.get(() -> robot.lookup("#new-error").queryLabeled().getText());
        assertTrue(error.contains("is not a size"), error);
        assertFalse(Files.exists(image));
        robot.clickOn("Cancel");
    }

    @Test
    void anExistingFileIsNotOverwritten(FxRobot robot) throws Exception {
        Path image = dir.resolve("exists.qcow2");
        Files.writeString(image, "precious");
        robot.clickOn("File").clickOn("New image…");
        Fx.run(() -> robot.lookup("#new-file").queryAs(TextField.class).setText(image.toString()));
        robot.clickOn("Create");
        Fx.await("the refusal is shown", () -> robot.lookup("#new-error").queryLabeled().getText().contains("already exists"));
        assertEquals("precious", Files.readString(image));
        robot.clickOn("Cancel");
    }
}
