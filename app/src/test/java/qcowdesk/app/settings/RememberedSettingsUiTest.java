package qcowdesk.app.settings;

import javafx.scene.control.SplitPane;
import javafx.scene.control.TabPane;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import qcowdesk.app.Fx;
import qcowdesk.app.TestApp;
import qcowdesk.app.devices.UnavailableDeviceService;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Theme, window size and place, dividers and the last tab survive a restart, kept beside the library. */
@ExtendWith(ApplicationExtension.class)
class RememberedSettingsUiTest {

    @TempDir
    Path dir;
    @Start
    void start(Stage primary) {
        // nothing on the primary stage: this test opens its own windows
    }

    private TestApp open(Stage on) {
        return Fx.get(() -> TestApp.start(on == null ? new Stage() : on, dir, runtime -> new UnavailableDeviceService(runtime.nbdSocket(), "not needed here")));
    }

    private static SplitPane mainSplit(TestApp app) {
        return (SplitPane) app.window.scene().getRoot().lookup(".split-pane");
    }

    @Test
    void whatThePersonArrangedIsThereAfterARestart(FxRobot robot) throws Exception {
        // a stage of its own: the primary stage is shared with the test classes that run after this one
        TestApp first = open(null);
        Stage stage = (Stage) first.window.scene().getWindow();
        robot.clickOn("View").clickOn("Dark theme");
        robot.clickOn("Hex");
        Fx.run(() -> {
            stage.setX(40);
            stage.setY(30);
            stage.setWidth(1000);
            stage.setHeight(700);
            mainSplit(first).setDividerPositions(0.31);
        });
        Fx.await("the window has its new size", () -> first.window.scene().getWidth() < 1010);
        first.close();
        assertTrue(Files.exists(dir.resolve("config").resolve(SettingsStore.FILE_NAME)), "kept with the library");

        TestApp second = open(null);
        try {
            assertTrue(Fx.get(() -> second.model.darkThemeProperty().get()), "dark theme");
            assertEquals(2, Fx.get(() -> second.window.scene().lookup("#image-tabs") instanceof TabPane tabs
                    ? tabs.getSelectionModel().getSelectedIndex() : -1), "the last tab");
            Stage shown = (Stage) second.window.scene().getWindow();
            assertEquals(40, Fx.get(shown::getX), 1);
            assertEquals(30, Fx.get(shown::getY), 1);
            assertEquals(first.window.scene().getWidth(), Fx.get(() -> second.window.scene().getWidth()), 1);
            assertEquals(0.31, Fx.get(() -> mainSplit(second).getDividerPositions()[0]), 0.02);
        } finally {
            Fx.run(() -> second.model.darkThemeProperty().set(false)); // the theme is the whole toolkit's
            second.close();
        }
    }
}
