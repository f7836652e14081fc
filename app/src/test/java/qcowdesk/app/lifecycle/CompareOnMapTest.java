package qcowdesk.app.lifecycle;

import javafx.scene.control.TabPane;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;
import qcowdesk.app.AppUiTest;
import qcowdesk.app.Fx;
import qcowdesk.app.inspect.Headless;
import qcowdesk.app.library.ImageState;
import qcowdesk.app.map.AllocationMapPane;
import qcowdesk.app.map.MapGeometry;
import qcowdesk.app.map.MapModel;
import qcowdesk.testkit.Peers;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Compare with… in the "Space & operations" tab outlines every cluster that differs on the allocation map: the
 * outlined clusters are exactly those whose bytes differ when qemu-img converts both images to raw.
 */
class CompareOnMapTest extends AppUiTest {

    private static final int CLUSTER = 64 << 10;

    @Test
    void differingClustersAreOutlinedOnTheMap(FxRobot robot) throws Exception {
        Path image = dir.resolve("a.qcow2");
        Peers.ok("qemu-img", "create", "-q", "-f", "qcow2", image.toString(), "32M");
        Peers.ok("qemu-io", "-f", "qcow2", "-c", "write -P 1 0 12M", "-c", "write -P 3 20M 1M", image.toString());
        Path other = Files.copy(image, dir.resolve("b.qcow2"));
        // one cluster, three adjacent clusters, a single byte, and data where the first image has a hole
        Peers.ok("qemu-io", "-f", "qcow2", "-c", "write -P 9 1M 64k", "-c", "write -P 9 8M 192k",
                "-c", "write -P 7 20971620 1", "-c", "write -P 5 30M 64k", other.toString());

        select(image);
        Fx.await("the map is scanned", () -> app.window.mapPane().guestMap() != null);
        Fx.run(() -> app.model.lifecycle().compare(other));
        Fx.await("the compare is done", () -> !app.model.lifecycle().busyProperty().get());
        String status = Fx.get(() -> app.model.lifecycle().statusProperty().get());
        assertEquals("Content mismatch at offset 1048576; 6 clusters differ, outlined on the allocation map.", status);

        BitSet expected = differingClustersByQemuImg(image, other);
        assertEquals(6, expected.cardinality());
        AllocationMapPane map = Fx.get(app.window::mapPane);
        Fx.await("the outline is drawn", () -> !map.highlightedCells().isEmpty());
        MapModel.Outline outline = Fx.get(() -> map.model().outlineProperty().get());
        BitSet outlined = new BitSet();
        for (long[] range : outline.ranges()) {
            assertEquals(0, range[0] % CLUSTER, "a range starts on a cluster: " + Arrays.toString(range));
            outlined.set((int) (range[0] / CLUSTER), (int) ((range[1] + CLUSTER - 1) / CLUSTER));
        }
        assertEquals(expected, outlined, "outlined clusters");
        MapGeometry geometry = Fx.get(() -> map.guestMap().geometry());
        BitSet cells = new BitSet();
        expected.stream().forEach(cluster -> cells.set(geometry.cellOf((long) cluster * CLUSTER)));
        assertEquals(cells, Fx.get(map::highlightedCells), "cells drawn");
        Fx.run(() -> selectTab("Allocation map"));
        String caption = "Outlined: 6 clusters of " + qcowdesk.app.inspect.Sizes.human(CLUSTER)
                + " that differ from b.qcow2";
        Fx.await("the map says what is outlined", () -> robot.lookup(caption).tryQuery().isPresent());
        Headless.snapshot(app.window.scene(), "compare-on-map");

        // compared with an identical copy: nothing outlined
        Path same = Files.copy(image, dir.resolve("same.qcow2"));
        Fx.run(() -> app.model.lifecycle().compare(same));
        Fx.await("the second compare is done", () -> Fx.get(() -> app.model.lifecycle().statusProperty().get())
                .startsWith("Images are identical."));
        Fx.await("the outline is gone", () -> map.highlightedCells().isEmpty());
    }

    /** The clusters whose bytes differ once qemu-img has converted both images to raw. */
    private BitSet differingClustersByQemuImg(Path a, Path b) throws Exception {
        Path rawA = dir.resolve("a.raw");
        Path rawB = dir.resolve("b.raw");
        Peers.ok("qemu-img", "convert", "-O", "raw", a.toString(), rawA.toString());
        Peers.ok("qemu-img", "convert", "-O", "raw", b.toString(), rawB.toString());
        byte[] x = Files.readAllBytes(rawA);
        byte[] y = Files.readAllBytes(rawB);
        BitSet differing = new BitSet();
        for (int c = 0; c * CLUSTER < x.length; c++) {
            int from = c * CLUSTER;
            if (Arrays.mismatch(x, from, from + CLUSTER, y, from, from + CLUSTER) >= 0) {
                differing.set(c);
            }
        }
        return differing;
    }

    private void select(Path image) {
        Fx.run(() -> app.model.library().add(image));
        Fx.await("the image is read", () -> app.model.library().find(image).orElseThrow().state() == ImageState.READY);
        Fx.run(() -> app.model.library().selectedProperty().set(app.model.library().find(image).orElseThrow()));
        Fx.run(() -> selectTab("Space & operations"));
    }

    private void selectTab(String title) {
        TabPane tabs = (TabPane) app.window.scene().lookup("#image-tabs");
        tabs.getSelectionModel().select(tabs.getTabs().stream().filter(tab -> tab.getText().equals(title))
                .findFirst().orElseThrow());
    }

}
