package qcowdesk.app.map;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import qcowdesk.app.inspect.InspectedImage;
import qcowdesk.app.inspect.SampleImage;
import qcowdesk.engine.qcow2.OpenOptions;
import qcowdesk.engine.qcow2.Qcow2Image;
import qcowdesk.engine.qcow2.tools.HostClusterKind;
import qcowdesk.engine.qcow2.tools.HostMap;
import qcowdesk.engine.qcow2.tools.ProgressListener;
import qcowdesk.testkit.Qemu;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The host-file map's cells add up to the engine's classification of the file, whole or aggregated. */
class HostCellsTest {

    @TempDir
    Path dir;

    @Test
    void cellsCountEveryHostClusterOnceWithItsKind() throws Exception {
        Path file = SampleImage.create(dir);
        Qemu.io(file, "write -P 9 7M 512k");
        Map<HostClusterKind, Long> expected = HostMap.of(file, ProgressListener.NONE).clusterCounts();
        try (Qcow2Image disk = Qcow2Image.open(file, OpenOptions.readOnly())) {
            InspectedImage image = InspectedImage.offline("sample", file, disk);
            for (int maxCells : new int[]{MapGeometry.DEFAULT_MAX_CELLS, 3}) {
                CellMap<HostKind> map = HostCells.scan(image, maxCells, ProgressListener.NONE).map();
                assertEquals(Files.size(file), map.geometry().size());
                for (HostClusterKind kind : HostClusterKind.values()) {
                    if (HostKind.of(kind) != HostKind.SNAPSHOTS_AND_BITMAPS) {
                        assertEquals(expected.getOrDefault(kind, 0L), map.totalClusters(HostKind.of(kind)), kind + " with " + maxCells + " cells");
                    }
                }
            }
            CellMap<HostKind> whole = HostCells.scan(image, MapGeometry.DEFAULT_MAX_CELLS, ProgressListener.NONE).map();
            assertEquals(HostKind.HEADER, whole.dominant(0));
            assertEquals(12, whole.totalClusters(HostKind.DATA));
            assertEquals(1, whole.totalClusters(HostKind.COMPRESSED));
        }
    }
}
