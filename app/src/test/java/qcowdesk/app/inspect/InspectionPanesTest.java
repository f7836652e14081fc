package qcowdesk.app.inspect;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import javafx.scene.Scene;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import qcowdesk.app.growth.GrowthPane;
import qcowdesk.app.growth.GrowthSample;
import qcowdesk.app.hex.HexPane;
import qcowdesk.app.hex.SearchPattern;
import qcowdesk.app.map.AllocationMapPane;
import qcowdesk.app.map.GuestCells;
import qcowdesk.app.map.GuestMapScan;
import qcowdesk.app.map.HostKind;
import qcowdesk.app.map.MapCanvas;
import qcowdesk.engine.MapEntry;
import qcowdesk.engine.qcow2.OpenOptions;
import qcowdesk.engine.qcow2.Qcow2Image;
import qcowdesk.engine.testing.QemuMap;
import qcowdesk.testkit.Qemu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The three panes on real images, headless: they load in the background, follow live writes, and render to
 * PNG (the README's screenshots: run with -Dqcowdesk.screenshots=../docs/screenshots).
 */
class InspectionPanesTest {

    @TempDir
    Path dir;

    @BeforeAll
    static void toolkit() throws Exception {
        Headless.start();
    }

    @Test
    void mapPaneShowsTheGuestAndHostMapsOfAnImage() throws Exception {
        Path file = SampleImage.create(dir);
        try (Qcow2Image disk = Qcow2Image.open(file, OpenOptions.readOnly())) {
            InspectedImage image = InspectedImage.offline("sample.qcow2", file, disk);
            AllocationMapPane pane = Headless.onFx(() -> new AllocationMapPane(Headless.executor()));
            Scene scene = Headless.scene(pane, 900, 520);
            Headless.onFx(() -> { pane.show(image); return null; });
            Headless.waitUntil(20, () -> pane.guestMap() != null);
            assertEquals(4, Headless.onFx(() -> pane.guestMap().totalClusters(GuestStatus.DATA)));
            assertPng(Headless.snapshot(scene, "allocation-map"));

            Headless.onFx(() -> { pane.viewHostFile(true); return null; });
            Headless.waitUntil(20, () -> pane.hostMap() != null);
            assertEquals(1, Headless.onFx(() -> pane.hostMap().totalClusters(HostKind.HEADER)));
            assertTrue(Headless.onFx(() -> pane.hostMap().totalClusters(HostKind.L2)) >= 1);
            assertPng(Headless.snapshot(scene, "allocation-map-host"));

            Headless.onFx(() -> { pane.clear(); return null; });
        }
    }

    @Test
    void aSparseTebibyteMapAggregatesClustersIntoCellsThatShowHowFullTheyAre() throws Exception {
        Path file = Qemu.create(dir, "huge.qcow2", "1T", 65536);
        String[] writes = new String[48];
        for (int i = 0; i < writes.length; i++) {
            // 16 MiB cells: writes of 2..16 MiB fill a cell from an eighth to full, spread over the disk.
            writes[i] = "write -P " + (i + 1) + " " + (i * 21L << 30) + " " + ((i % 8 + 1) * 2) + "M";
        }
        Qemu.io(file, writes);
        try (Qcow2Image disk = Qcow2Image.open(file, OpenOptions.readOnly())) {
            AllocationMapPane pane = Headless.onFx(() -> new AllocationMapPane(Headless.executor()));
            Scene scene = Headless.scene(pane, 900, 520);
            Headless.onFx(() -> { pane.show(InspectedImage.offline("huge.qcow2", file, disk)); return null; });
            Headless.waitUntil(30, () -> pane.guestMap() != null);
            assertEquals(65536, Headless.onFx(() -> pane.guestMap().geometry().cellCount()));
            long expected = QemuImages.bytesByStatus(QemuMap.of(file)).get(GuestStatus.DATA);
            assertEquals(expected, Headless.onFx(() -> pane.guestMap().totalBytes(GuestStatus.DATA)));
            assertPng(Headless.snapshot(scene, "allocation-map-1tib"));

            // A closer look at 64 MiB around the write at 63 GiB (8 MiB): one cell per cluster.
            Headless.onFx(() -> { pane.zoomInto((63L << 30) - (24L << 20), (63L << 30) + (40L << 20)); return null; });
            Headless.waitUntil(30, () -> pane.guestMap() != null);
            assertEquals(1, Headless.onFx(() -> pane.guestMap().geometry().clustersPerCell()));
            assertEquals(8L << 20, Headless.onFx(() -> pane.guestMap().totalBytes(GuestStatus.DATA)));
            assertPng(Headless.snapshot(scene, "allocation-map-region"));
            Headless.onFx(() -> { pane.clear(); return null; });
        }
    }

    @Test
    void hoveringACellDescribesItsGuestRangeHostOffsetAndStatus() throws Exception {
        Path file = SampleImage.create(dir);
        List<MapEntry> qemu = QemuMap.of(file);
        try (Qcow2Image disk = Qcow2Image.open(file, OpenOptions.readOnly())) {
            var map = GuestMapScan.build(disk, 1 << 16, () -> false, x -> { });
            MapCanvas canvas = Headless.onFx(MapCanvas::new);
            Headless.scene(canvas, 400, 300);
            Headless.onFx(() -> {
                canvas.setSource(new GuestCells(map));
                canvas.layout(); // picks the cell size that fits the 128 cells
                return null;
            });
            int columns = Headless.onFx(canvas::columns);
            int size = Headless.onFx(() -> canvas.cellSizeProperty().get());
            assertTrue(columns * size <= 400 && size > MapCanvas.MIN_CELL, columns + " columns of " + size + " px");
            int dataCell = (int) (SampleImage.DATA / SampleImage.CLUSTER) + 1;
            double x = (dataCell % columns) * size + size / 2.0;
            double y = (dataCell / columns) * size + size / 2.0;
            assertEquals(dataCell, Headless.onFx(() -> canvas.cellAt(x, y)));
            long host = QemuImages.entryAt(qemu, SampleImage.DATA + SampleImage.CLUSTER).hostOffset() + SampleImage.CLUSTER;
            String text = new GuestCells(map).describe(dataCell);
            assertEquals("guest " + Sizes.hex(SampleImage.DATA + SampleImage.CLUSTER) + " – "
                    + Sizes.hex(SampleImage.DATA + 2 * SampleImage.CLUSTER - 1) + " (64.0 KiB)\nhost " + Sizes.hex(host)
                    + "\ndata 1 cluster", text);
            assertEquals(-1, Headless.onFx(() -> canvas.cellAt(x, 10_000)));
        }
    }

    @Test
    void switchingImagesQuicklyShowsOnlyTheLastOne() throws Exception {
        Path first = Qemu.create(dir, "first.qcow2", "1T", 65536);
        Path second = SampleImage.create(dir);
        try (Qcow2Image a = Qcow2Image.open(first, OpenOptions.readOnly());
             Qcow2Image b = Qcow2Image.open(second, OpenOptions.readOnly())) {
            AllocationMapPane map = Headless.onFx(() -> new AllocationMapPane(Headless.executor()));
            HexPane hex = Headless.onFx(() -> new HexPane(Headless.executor()));
            Headless.onFx(() -> {
                map.show(InspectedImage.offline("first", first, a));
                hex.show(InspectedImage.offline("first", first, a));
                map.show(InspectedImage.offline("second", second, b));
                hex.show(new InspectedImage("second", second, b, 4096, false));
                return null;
            });
            Headless.waitUntil(20, () -> map.guestMap() != null && hex.shownSector() != null);
            Thread.sleep(300); // time for a late result of the first image to arrive, were it not dropped
            assertEquals(b.size(), Headless.onFx(() -> map.guestMap().geometry().size()));
            assertEquals(4096, Headless.onFx(() -> hex.shownSector().bytes().length));

            Headless.onFx(() -> { map.show(InspectedImage.offline("first", first, a)); map.clear(); return null; });
            Thread.sleep(300);
            assertEquals(null, Headless.onFx(map::guestMap));
        }
    }

    @Test
    void hexPaneShowsTheSectorOfASearchMatch() throws Exception {
        Path file = SampleImage.create(dir);
        try (Qcow2Image disk = Qcow2Image.open(file, OpenOptions.readOnly())) {
            HexPane pane = Headless.onFx(() -> new HexPane(Headless.executor()));
            Scene scene = Headless.scene(pane, 900, 560);
            Headless.onFx(() -> {
                pane.show(new InspectedImage("sample.qcow2", file, disk, 512, false));
                return null;
            });
            Headless.waitUntil(20, () -> pane.shownSector() != null);
            Headless.onFx(() -> {
                pane.find(SearchPattern.text(SampleImage.NEEDLE_TEXT));
                return null;
            });
            Headless.waitUntil(20, () -> pane.shownSector() != null && pane.shownSector().lba() == SampleImage.NEEDLE / 512);
            assertTrue(Headless.onFx(() -> pane.shownSector().mappingText()).startsWith("data at host 0x"));
            Headless.onFx(() -> null); // let the scroll to the match, queued by the display, run first
            assertPng(Headless.snapshot(scene, "hex-view"));
            Headless.onFx(() -> { pane.clear(); return null; });
        }
    }

    @Test
    void mapAndGrowthFollowLiveWrites() throws Exception {
        Path file = Qemu.create(dir, "live.qcow2", "256M", 65536);
        Qemu.io(file, "write -P 7 0 1M");
        try (Qcow2Image disk = Qcow2Image.open(file, OpenOptions.readWrite())) {
            InspectedImage image = new InspectedImage("qcow0", file, disk, 512, true);
            AllocationMapPane map = Headless.onFx(() -> new AllocationMapPane(Headless.executor()));
            GrowthPane growth = Headless.onFx(() -> new GrowthPane(Headless.executor()));
            Scene mapScene = Headless.scene(map, 900, 520);
            Scene growthScene = Headless.scene(growth, 900, 520);
            Headless.onFx(() -> { map.show(image); growth.show(image); return null; });
            Headless.waitUntil(20, () -> map.guestMap() != null && growth.model().latest() != null);

            // A client filling the disk in a sweep, over about three seconds.
            for (int i = 0; i < 600; i++) {
                disk.write((16L << 20) + i * 3L * 65536, ByteBuffer.allocate(4096).put(0, (byte) 1));
                if (i % 20 == 0) {
                    Thread.sleep(100);
                }
            }
            disk.flush();
            long expected = QemuImages.bytesByStatus(QemuMap.of(file)).get(GuestStatus.DATA) / 65536;
            assertEquals(16 + 600, expected);
            Headless.waitUntil(20, () -> map.guestMap().totalClusters(GuestStatus.DATA) == expected);
            Headless.waitUntil(20, () -> {
                GrowthSample last = growth.model().latest();
                return last != null && last.allocatedClusters() == expected;
            });
            assertTrue(Headless.onFx(() -> growth.model().samples().size()) >= 4);
            assertTrue(Headless.onFx(() -> growth.model().fileGrowth()) >= 600L * 65536);
            assertPng(Headless.snapshot(mapScene, "allocation-map-live"));
            assertPng(Headless.snapshot(growthScene, "growth-chart"));
            Headless.onFx(() -> { map.clear(); growth.clear(); return null; });
        }
    }

    private static void assertPng(Path png) throws Exception {
        assertTrue(Files.size(png) > 2000, png + " is " + Files.size(png) + " bytes");
    }
}
