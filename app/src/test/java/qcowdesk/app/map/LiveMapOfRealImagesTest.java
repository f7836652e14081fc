package qcowdesk.app.map;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import qcowdesk.app.growth.AllocationCounter;
import qcowdesk.app.inspect.GuestStatus;
import qcowdesk.app.inspect.QemuImages;
import qcowdesk.engine.qcow2.OpenOptions;
import qcowdesk.engine.qcow2.Qcow2Image;
import qcowdesk.engine.testing.QemuMap;
import qcowdesk.testkit.Qemu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** While writes go through the engine, coalesced map updates end up where {@code qemu-img map} is. */
class LiveMapOfRealImagesTest {

    @TempDir
    Path dir;

    @Test
    void theAllocatedCountGrowsToMatchQemuAfterTheWrites() throws Exception {
        Path image = Qemu.create(dir, "live.qcow2", "1G", 65536);
        Qemu.io(image, "write -P 7 0 256k");
        try (Qcow2Image disk = Qcow2Image.open(image, OpenOptions.readWrite())) {
            MapGeometry geometry = MapGeometry.of(disk.size(), disk.clusterSize(), 4096);
            try (LiveGuestMap live = new LiveGuestMap(disk, geometry);
                 AllocationCounter counter = new AllocationCounter(disk)) {
                CellMap<GuestStatus> map = GuestMapScan.build(disk, 4096, () -> false, x -> { });
                counter.baseline(disk, disk.fileSize(), () -> false);
                assertEquals(4, map.totalClusters(GuestStatus.DATA));

                int writes = 0;
                long rounds = 0;
                long patches = 0;
                // Three bursts of writes, each followed by one refresh as the view's timer would do it.
                for (int burst = 0; burst < 3; burst++) {
                    for (int i = 0; i < 200; i++) {
                        long offset = (1 << 20) + (burst * 200L + i) * 3 * 65536 + 4096;
                        disk.write(offset, ByteBuffer.wrap(new byte[]{1, 2, 3, 4}));
                        disk.write(offset + 8, ByteBuffer.wrap(new byte[]{5}));
                        writes += 2;
                    }
                    List<CellPatch> collected = live.collect();
                    LiveGuestMap.apply(collected, map);
                    patches += collected.size();
                    rounds++;
                    assertEquals(4 + (burst + 1) * 200L, map.totalClusters(GuestStatus.DATA), "after burst " + burst);
                }
                disk.flush();

                long qemuData = QemuImages.bytesByStatus(QemuMap.of(image)).get(GuestStatus.DATA);
                assertEquals(qemuData, map.totalBytes(GuestStatus.DATA));
                assertEquals(qemuData / 65536, counter.allocatedClusters());
                assertEquals(disk.fileSize(), counter.fileSize());
                assertTrue(live.events() >= 600, "allocation events: " + live.events());
                // Coalescing: 1200 writes became a handful of cell runs, re-read in 3 refreshes.
                assertTrue(patches < writes / 10, patches + " patches for " + writes + " writes in " + rounds + " refreshes");
                assertTrue(!live.hasChanges());
            }
        }
    }
}
