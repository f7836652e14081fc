package qcowdesk.app.library;

import javafx.scene.control.ListView;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import qcowdesk.app.Fx;
import qcowdesk.app.TestApp;
import qcowdesk.app.devices.UnavailableDeviceService;
import qcowdesk.testkit.Peers;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The library survives a restart of the app, with files deleted meanwhile shown as missing. */
@ExtendWith(ApplicationExtension.class)
class LibraryPersistenceTest {

    @TempDir
    Path dir;
    private Stage stage;
    private TestApp app;

    @Start
    void start(Stage stage) {
        this.stage = stage;
    }

    @AfterEach
    void closeApp() {
        if (app != null) {
            app.close();
        }
    }

    private TestApp launch() {
        return Fx.get(() -> TestApp.start(stage, dir, runtime ->
                new UnavailableDeviceService(runtime.nbdSocket(), "not needed by this test")));
    }

    @Test
    void remembersImagesAcrossARestartAndMarksDeletedOnesMissing(FxRobot robot) throws Exception {
        Path kept = dir.resolve("kept.qcow2");
        Path deleted = dir.resolve("deleted.qcow2");
        Peers.ok("qemu-img", "create", "-f", "qcow2", kept.toString(), "3G");
        Peers.ok("qemu-img", "create", "-f", "qcow2", deleted.toString(), "1G");

        app = launch();
        Fx.run(() -> {
            app.model.library().add(kept);
            app.model.library().add(deleted);
        });
        Fx.await("both images are read", () -> app.model.library().images().stream()
                .allMatch(item -> item.state() == ImageState.READY));
        app.close();
        app = null;

        Files.delete(deleted);
        app = launch();
        Fx.await("the library is loaded and read", () -> app.model.library().images().size() == 2
                && app.model.library().images().stream().noneMatch(item -> item.state() == ImageState.LOADING));

        List<ImageItem> images = Fx.get(() -> List.copyOf(app.model.library().images()));
        assertEquals(List.of(kept, deleted), images.stream().map(ImageItem::path).toList());
        assertEquals(ImageState.READY, images.get(0).state());
        assertEquals(3L << 30, images.get(0).facts().virtualSize());
        assertEquals(Files.size(kept), images.get(0).facts().fileSize());
        assertEquals(ImageState.MISSING, images.get(1).state());
        // the list still shows both, the deleted one marked as missing
        ListView<?> list = robot.lookup("#library-list").queryAs(ListView.class);
        assertEquals(2, Fx.get(() -> list.getItems().size()));
        assertTrue(robot.lookup("File missing · not attached").tryQuery().isPresent(), "missing file shown as such");
    }

    @Test
    void filesGivenAtLaunchJoinTheRememberedLibraryAndTheFirstIsSelected() throws Exception {
        Path kept = dir.resolve("kept.qcow2");
        Path first = dir.resolve("first.qcow2");
        Path second = dir.resolve("second.qcow2");
        for (Path image : List.of(kept, first, second)) {
            Peers.ok("qemu-img", "create", "-f", "qcow2", image.toString(), "1G");
        }
        new LibraryStore(dir.resolve("config")).save(List.of(kept));

        // as QcowDeskApp does: the files are opened while the remembered library is still loading
        app = Fx.get(() -> {
            TestApp started = launch();
            started.model.library().open(List.of(first, second, kept));
            return started;
        });
        Fx.await("all three are listed", () -> app.model.library().images().size() == 3);
        assertEquals(List.of(kept, first, second),
                Fx.get(() -> app.model.library().images().stream().map(ImageItem::path).toList()));
        assertEquals(first, Fx.get(() -> app.model.library().selected().path()));
        Fx.await("the library is saved with them", () -> new LibraryStore(dir.resolve("config")).load().size() == 3);
    }

    @Test
    void removingFromTheLibraryKeepsTheFile() throws Exception {
        Path image = dir.resolve("keep-me.qcow2");
        Peers.ok("qemu-img", "create", "-f", "qcow2", image.toString(), "1G");
        app = launch();
        Fx.run(() -> app.model.library().add(image));
        Fx.await("the image is listed", () -> app.model.library().images().size() == 1);
        Fx.run(() -> app.model.library().remove(app.model.library().images().get(0)));
        app.close();
        app = null;

        assertTrue(Files.exists(image));
        assertEquals(List.of(), new LibraryStore(dir.resolve("config")).load());
    }

    @Test
    void aBrokenLibraryFileIsReportedAndKeptAside() throws Exception {
        Path config = Files.createDirectories(dir.resolve("config"));
        Files.writeString(config.resolve(LibraryStore.FILE_NAME), "{\"version\":1,\"images\":[{\"path\":");
        app = launch();
        Fx.await("the failure is reported", () -> app.model.jobs().lastFailureProperty().get() != null);
        String message = Fx.get(() -> app.model.jobs().lastFailureProperty().get().message());
        assertTrue(message.contains("is not valid JSON"), message);
        Fx.await("the broken file is kept aside", () -> Files.exists(config.resolve("library.json.broken")));
        assertEquals(0, (int) Fx.get(() -> app.model.library().images().size()));
    }

    @Test
    void anUnreadableImageIsShownWithTheReason() throws Exception {
        Path garbage = dir.resolve("garbage.qcow2");
        Files.write(garbage, new byte[4096]);
        app = launch();
        Fx.run(() -> app.model.library().add(garbage));
        Fx.await("the image is marked unreadable", () -> app.model.library().images().get(0).state() == ImageState.UNREADABLE);
        String problem = Fx.get(() -> app.model.library().images().get(0).problemProperty().get());
        assertTrue(!problem.isBlank(), "a reason is given");
    }
}
