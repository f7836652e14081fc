package qcowdesk.app.map;

import java.nio.file.Path;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import qcowdesk.app.background.CurrentThreadTaskExecutor;
import qcowdesk.app.inspect.GuestStatus;
import qcowdesk.app.inspect.Headless;
import qcowdesk.app.inspect.InspectedImage;
import qcowdesk.app.inspect.SampleImage;
import qcowdesk.engine.qcow2.OpenOptions;
import qcowdesk.engine.qcow2.Qcow2Image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The map model without a view, its scans run synchronously: each action's effect is there when it returns,
 * so the rules (which map, which range, what the summary says) are checked without waiting.
 */
class MapModelTest {

    @TempDir
    Path dir;

    @BeforeAll
    static void toolkit() throws Exception {
        Headless.start();
    }

    @Test
    void showsTheGuestMapThenTheHostMapThenARegionAndBackToTheWholeDisk() throws Exception {
        Path file = SampleImage.create(dir);
        try (Qcow2Image disk = Qcow2Image.open(file, OpenOptions.readOnly())) {
            Headless.onFx(() -> {
                MapModel model = new MapModel(new CurrentThreadTaskExecutor());
                model.show(InspectedImage.offline("sample.qcow2", file, disk));
                assertEquals("sample.qcow2", model.titleProperty().get());
                assertEquals(4, model.guestMap().totalClusters(GuestStatus.DATA));
                assertTrue(model.shownProperty().get().source() instanceof GuestCells);
                assertEquals("8.0 MiB · 64.0 KiB clusters", model.summaryProperty().get());
                assertNull(model.trackedProperty().get(), "a finished scan leaves no progress shown");

                model.hostViewProperty().set(true);
                assertEquals(1, model.hostMap().totalClusters(HostKind.HEADER));
                assertTrue(model.shownProperty().get().source() instanceof HostCells);

                model.hostViewProperty().set(false);
                model.zoomInto(0, disk.clusterSize() * 8L);
                assertTrue(model.zoomedProperty().get());
                assertEquals(8, model.guestMap().geometry().cellCount());
                model.showWholeDisk();
                assertFalse(model.zoomedProperty().get());

                model.clear();
                assertNull(model.shownProperty().get());
                assertEquals(MapModel.NO_IMAGE, model.titleProperty().get());
                return null;
            });
        }
    }
}
