package qcowdesk.app.map;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import qcowdesk.app.inspect.GuestStatus;
import qcowdesk.app.inspect.QemuImages;
import qcowdesk.app.inspect.SampleImage;
import qcowdesk.engine.MapEntry;
import qcowdesk.engine.qcow2.OpenOptions;
import qcowdesk.engine.qcow2.Qcow2Image;
import qcowdesk.engine.testing.QemuMap;
import qcowdesk.testkit.Qemu;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The map model of images written by qemu-io agrees with {@code qemu-img map}, cluster by cluster. */
class GuestMapOfRealImagesTest {

    @TempDir
    Path dir;

    @Test
    void everyClusterHasTheStatusAndHostOffsetQemuReports() throws Exception {
        Path image = SampleImage.create(dir);
        List<MapEntry> qemu = QemuMap.of(image);
        try (Qcow2Image disk = Qcow2Image.open(image, OpenOptions.readOnly())) {
            CellMap<GuestStatus> map = GuestMapScan.build(disk, MapGeometry.DEFAULT_MAX_CELLS, () -> false, x -> { });

            assertEquals(128, map.geometry().cellCount());
            assertEquals(1, map.geometry().clustersPerCell());
            for (int cell = 0; cell < map.geometry().cellCount(); cell++) {
                long offset = map.geometry().cellStart(cell);
                MapEntry entry = QemuImages.entryAt(qemu, offset);
                String where = "cluster at " + offset;
                assertEquals(GuestStatus.of(entry), map.dominant(cell), where);
                long host = entry.hostOffset() < 0 ? -1 : entry.hostOffset() + (offset - entry.start());
                assertEquals(host, map.firstHostOffset(cell), where);
            }
            assertTotalsMatch(QemuImages.bytesByStatus(qemu), map);
            // Each status the legend shows is present in this image.
            for (GuestStatus status : GuestStatus.values()) {
                assertEquals(true, map.totalBytes(status) > 0, status + " present");
            }
        }
    }

    @Test
    void aggregatedCellsKeepExactTotalsAndFillFractions() throws Exception {
        Path image = SampleImage.create(dir);
        List<MapEntry> qemu = QemuMap.of(image);
        try (Qcow2Image disk = Qcow2Image.open(image, OpenOptions.readOnly())) {
            CellMap<GuestStatus> map = GuestMapScan.build(disk, 10, () -> false, x -> { });

            assertEquals(13, map.geometry().clustersPerCell());
            assertEquals(10, map.geometry().cellCount());
            assertTotalsMatch(QemuImages.bytesByStatus(qemu), map);
            // Cell 1 covers clusters 13..25: the three data clusters at 1 MiB (clusters 16-18) are its only use.
            assertEquals(3.0 / 13, map.fill(1), 1e-9);
            assertEquals(GuestStatus.DATA, map.dominant(1));
        }
    }

    @Test
    void aSparseTebibyteImageMapsIntoTheBoundedCellCount() throws Exception {
        Path image = Qemu.create(dir, "huge.qcow2", "1T", 65536);
        Qemu.io(image, "write -P 1 0 64k", "write -P 2 512G 128k", "write -P 3 1099511562240 64k");
        try (Qcow2Image disk = Qcow2Image.open(image, OpenOptions.readOnly())) {
            CellMap<GuestStatus> map = GuestMapScan.build(disk, MapGeometry.DEFAULT_MAX_CELLS, () -> false, x -> { });

            assertEquals(MapGeometry.DEFAULT_MAX_CELLS, map.geometry().cellCount());
            assertEquals(256, map.geometry().clustersPerCell());
            assertEquals(4, map.totalClusters(GuestStatus.DATA));
            assertTotalsMatch(QemuImages.bytesByStatus(QemuMap.of(image)), map);
            assertEquals(GuestStatus.DATA, map.dominant(MapGeometry.DEFAULT_MAX_CELLS / 2));
            assertEquals(2.0 / 256, map.fill(MapGeometry.DEFAULT_MAX_CELLS / 2), 1e-12);
        }
    }

    static void assertTotalsMatch(Map<GuestStatus, Long> expected, CellMap<GuestStatus> map) {
        for (GuestStatus status : GuestStatus.values()) {
            assertEquals(expected.get(status), map.totalBytes(status), status + " bytes");
        }
    }
}
