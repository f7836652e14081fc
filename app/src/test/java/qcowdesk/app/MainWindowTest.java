package qcowdesk.app;

import atlantafx.base.theme.PrimerDark;
import atlantafx.base.theme.PrimerLight;
import javafx.application.Application;
import javafx.scene.control.TabPane;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyCodeCombination;
import javafx.scene.input.KeyCombination;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;
import qcowdesk.app.devices.DeviceService;
import qcowdesk.app.devices.UnavailableDeviceService;
import qcowdesk.bridge.RuntimeDirectory;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Menus, shortcuts and themes of the main window. */
class MainWindowTest extends AppUiTest {

    @Override
    protected DeviceService devices(RuntimeDirectory runtime) {
        return new UnavailableDeviceService(runtime.nbdSocket(), "no engine here");
    }

    @Override
    protected void afterClose() {
        Fx.run(() -> app.model.darkThemeProperty().set(false));
    }

    @Test
    void controlTOpensTheAttachDialog(FxRobot robot) {
        robot.clickOn("#library-list");
        robot.push(new KeyCodeCombination(KeyCode.T, KeyCombination.SHORTCUT_DOWN));
        Fx.await("the attach dialog opens", () -> robot.lookup("#attach-image").tryQuery().isPresent());
        robot.clickOn("Cancel");
    }

    @Test
    void controlNOpensTheNewImageDialog(FxRobot robot) {
        robot.clickOn("#library-list");
        robot.push(new KeyCodeCombination(KeyCode.N, KeyCombination.SHORTCUT_DOWN));
        Fx.await("the new image dialog opens", () -> robot.lookup("#new-size").tryQuery().isPresent());
        robot.clickOn("Cancel");
    }

    @Test
    void controlDeleteRemovesTheSelectedImageFromTheLibraryAndKeepsTheFile(FxRobot robot) throws Exception {
        Path image = Files.write(dir.resolve("kept.qcow2"), new byte[0]);
        Fx.run(() -> app.model.library().selectedProperty().set(app.model.library().add(image)));
        robot.clickOn("#library-list");
        Fx.run(() -> app.model.library().selectedProperty().set(app.model.library().find(image).orElseThrow()));
        // The README names this shortcut; Shortcut is Ctrl on Linux.
        robot.push(new KeyCodeCombination(KeyCode.DELETE, KeyCombination.CONTROL_DOWN));
        Fx.await("the image leaves the library", () -> app.model.library().images().isEmpty());
        assertTrue(Files.exists(image));
    }

    @Test
    void darkThemeSwitchesTheWholeApp(FxRobot robot) {
        assertEquals(new PrimerLight().getUserAgentStylesheet(), Fx.get(Application::getUserAgentStylesheet));
        robot.clickOn("View").clickOn("Dark theme");
        assertEquals(new PrimerDark().getUserAgentStylesheet(), Fx.get(Application::getUserAgentStylesheet));
        assertTrue(Fx.get(() -> app.model.darkThemeProperty().get()));
    }

    @Test
    void aTabsContentJoinsTheSceneWhenTheTabIsFirstChosen(FxRobot robot) {
        // a fresh config opens on Info: the map pane is not built, styled or laid out before anyone wants it (here
        // the accessor builds it, out of the scene)
        assertEquals("Info", Fx.get(() -> tabs(robot).getSelectionModel().getSelectedItem().getText()));
        assertNull(Fx.get(() -> app.window.mapPane().getScene()));
        robot.clickOn("Allocation map");
        assertSame(app.window.scene(), Fx.get(() -> app.window.mapPane().getScene()));
        assertTrue(Fx.get(() -> app.window.mapPane().getWidth() > 0), "laid out in its tab");
        robot.clickOn("Info");
        assertSame(app.window.scene(), Fx.get(() -> app.window.mapPane().getScene()), "and stays in its tab");
    }

    private static TabPane tabs(FxRobot robot) {
        return robot.lookup("#image-tabs").queryAs(TabPane.class);
    }

    @Test
    void theStatusBarSaysWhenDevicesAreUnavailable(FxRobot robot) {
        String status = Fx.get(() -> robot.lookup("#status-connection").queryLabeled().getText());
        assertTrue(status.startsWith("Devices unavailable: no engine here"), status);
    }
}
