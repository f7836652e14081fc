package qcowdesk.app.lifecycle;

import javafx.scene.control.TabPane;
import qcowdesk.app.Fx;
import qcowdesk.app.TestApp;
import qcowdesk.app.library.ImageState;

import java.nio.file.Path;

/** Brings the tests' app to the "Space & operations" tab of an image. */
final class SpaceTab {

    private SpaceTab() {
    }

    /** Adds {@code image} to the library, selects it once read, and shows its "Space & operations" tab. */
    static void select(TestApp app, Path image) {
        Fx.run(() -> app.model.library().add(image));
        Fx.await("the image is read", () -> app.model.library().find(image).orElseThrow().state() == ImageState.READY);
        Fx.run(() -> app.model.library().selectedProperty().set(app.model.library().find(image).orElseThrow()));
        Fx.await("the space is read", () -> app.model.lifecycle().spaceProperty().get() != null);
        Fx.run(() -> {
            TabPane tabs = (TabPane) app.window.scene().lookup("#image-tabs");
            tabs.getSelectionModel().select(tabs.getTabs().stream()
                    .filter(tab -> tab.getText().equals("Space & operations")).findFirst().orElseThrow());
        });
    }
}
