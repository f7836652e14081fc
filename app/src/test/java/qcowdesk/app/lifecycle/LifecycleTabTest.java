package qcowdesk.app.lifecycle;

import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;
import qcowdesk.app.AppUiTest;
import qcowdesk.app.Fx;
import qcowdesk.app.inspect.Headless;
import qcowdesk.engine.qcow2.ops.SpaceReport;
import qcowdesk.testkit.Peers;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The "Space & operations" tab: the space bar, compact with preview, resize, and Cancel of a long convert. */
class LifecycleTabTest extends AppUiTest {

    private void select(Path image) {
        SpaceTab.select(app, image);
    }

    private String status() {
        return Fx.get(() -> app.model.lifecycle().statusProperty().get());
    }

    @Test
    void spaceBarCompactPreviewCompactAndResize(FxRobot robot) throws Exception {
        Path image = dir.resolve("disk.qcow2");
        Peers.ok("qemu-img", "create", "-q", "-f", "qcow2", image.toString(), "32M");
        Peers.ok("qemu-io", "-f", "qcow2", "-c", "write -P 1 0 1M", "-c", "write -P 0 4M 2M", "-c",
                "write -P 3 20M 64k", image.toString());
        Path before = Files.copy(image, dir.resolve("before.qcow2"));
        select(image);
        SpaceReport space = Fx.get(() -> app.model.lifecycle().spaceProperty().get());
        assertEquals(2L << 20, space.zeroData());
        assertEquals((3L << 20) + (64 << 10), space.guestAllocated());
        assertTrue(robot.lookup("#legend-space-zero").tryQuery().isPresent(), "the bar has no zero-data part");
        Fx.await("the bar is drawn", () -> robot.lookup("#" + SpaceBar.ID).tryQuery().isPresent());
        Headless.snapshot(app.window.scene(), "space-operations");

        byte[] original = Files.readAllBytes(image);
        robot.clickOn("#" + LifecycleView.PREVIEW_ID);
        Fx.await("the preview is done", () -> status().startsWith("Compacting would"));
        assertTrue(status().contains("32 data clusters held only zeros"), status());
        assertArrayEquals(original, Files.readAllBytes(image));

        robot.clickOn("#" + LifecycleView.COMPACT_ID);
        Fx.await("compact is done", () -> status().startsWith("Compacted"));
        assertTrue(Files.size(image) < original.length - (1L << 20), status());
        Peers.ok("qemu-img", "check", image.toString());
        Peers.ok("qemu-img", "compare", "-q", before.toString(), image.toString());
        Fx.await("the space is read again", () -> app.model.lifecycle().spaceProperty().get() != null
                && app.model.lifecycle().spaceProperty().get().zeroData() == 0);

        robot.clickOn("#" + LifecycleView.SIZE_FIELD_ID).write("64M");
        robot.clickOn("#" + LifecycleView.RESIZE_ID);
        Fx.await("resize is done", () -> status().startsWith("Resized"));
        assertTrue(status().contains("file system inside"), status());
        assertTrue(Peers.ok("qemu-img", "info", image.toString()).stdout().contains("(67108864 bytes)"));
    }

    @Test
    void cancelStopsAConvertAndLeavesNothing(FxRobot robot) throws Exception {
        Path image = dir.resolve("big.qcow2");
        Peers.ok("qemu-img", "create", "-q", "-f", "qcow2", image.toString(), "1G");
        Peers.ok("qemu-io", "-f", "qcow2", "-c", "write -P 5 0 256M", image.toString());
        select(image);
        Path destination = dir.resolve("copy.qcow2");
        Fx.run(() -> app.model.lifecycle().convert(destination, true));
        Fx.await("the convert runs", () -> app.model.lifecycle().busyProperty().get());
        robot.clickOn("#" + LifecycleView.CANCEL_ID);
        Fx.await("cancelled", () -> status().startsWith("Cancelled"));
        Fx.await("the temporary file is gone", () -> {
            try (Stream<Path> files = Files.list(dir)) {
                return files.noneMatch(p -> p.getFileName().toString().endsWith(".tmp"));
            }
        });
        assertFalse(Files.exists(destination));
    }
}
