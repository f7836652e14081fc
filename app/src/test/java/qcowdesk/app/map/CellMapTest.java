package qcowdesk.app.map;

import java.nio.ByteBuffer;

import org.junit.jupiter.api.Test;
import qcowdesk.app.inspect.GuestStatus;
import qcowdesk.engine.testing.MemoryDisk;

import static org.junit.jupiter.api.Assertions.assertEquals;

class CellMapTest {

    private static final long TIB = 1L << 40;

    @Test
    void aTebibyteSparseDiskAggregatesIntoBoundedBuckets() throws Exception {
        MemoryDisk disk = new MemoryDisk(TIB, 65536);
        disk.write(0, ByteBuffer.allocate(65536));
        disk.write(TIB - 65536, ByteBuffer.allocate(10));

        CellMap<GuestStatus> map = GuestMapScan.build(disk, MapGeometry.DEFAULT_MAX_CELLS, () -> false, offset -> { });

        assertEquals(MapGeometry.DEFAULT_MAX_CELLS, map.geometry().cellCount());
        assertEquals(256, map.geometry().clustersPerCell());
        assertEquals(2, map.totalClusters(GuestStatus.DATA));
        assertEquals(GuestStatus.DATA, map.dominant(0));
        assertEquals(1.0 / 256, map.fill(0), 1e-12);
        assertEquals(GuestStatus.UNALLOCATED, map.dominant(1));
        assertEquals(3L * 65536, map.firstHostOffset(0));
        assertEquals(4L * 65536, map.firstHostOffset(MapGeometry.DEFAULT_MAX_CELLS - 1));
    }

    @Test
    void smallDisksGetOneCellPerClusterAndAPartialLastCluster() {
        MapGeometry geometry = MapGeometry.of(10 * 512 + 100, 512, MapGeometry.DEFAULT_MAX_CELLS);
        assertEquals(11, geometry.cellCount());
        assertEquals(1, geometry.clustersPerCell());
        assertEquals(10 * 512, geometry.cellStart(10));
        assertEquals(10 * 512 + 100, geometry.cellEnd(10));
    }

    @Test
    void dirtyCellsCoalesceAndPatchesReplaceCellContents() throws Exception {
        MemoryDisk disk = new MemoryDisk(1L << 30, 65536);
        CellMap<GuestStatus> map = GuestMapScan.build(disk, 1024, () -> false, offset -> { });
        DirtyCells dirty = new DirtyCells(map.geometry());
        disk.onAllocation(dirty::mark);
        for (int i = 0; i < 100; i++) {
            disk.write(i * 65536L, ByteBuffer.allocate(512));
        }
        var runs = dirty.drain();
        assertEquals(1, runs.size());
        assertEquals(100, dirty.events());
        for (int[] run : runs) {
            GuestMapScan.rescan(disk, map.geometry(), run[0], run[1]).applyTo(map);
        }
        assertEquals(100, map.totalClusters(GuestStatus.DATA));
        GuestMapScan.rescan(disk, map.geometry(), 0, 1).applyTo(map);
        assertEquals(100, map.totalClusters(GuestStatus.DATA));
    }

    @Test
    void aRegionOfTheDiskIsMappedAtFinerGrainAroundTheCellOpened() throws Exception {
        MemoryDisk disk = new MemoryDisk(TIB, 65536);
        disk.write(63L << 30, ByteBuffer.allocate(3 * 65536));
        disk.write(1L << 30, ByteBuffer.allocate(1));
        MapGeometry whole = MapGeometry.of(TIB, 65536, MapGeometry.DEFAULT_MAX_CELLS);
        long[] region = whole.regionAround(whole.cellOf(63L << 30), 256);
        assertEquals(60L << 30, region[0]);
        assertEquals(64L << 30, region[1]);

        MapGeometry closer = MapGeometry.of(region[0], region[1] - region[0], 65536, MapGeometry.DEFAULT_MAX_CELLS);
        CellMap<GuestStatus> map = GuestMapScan.build(disk, closer, () -> false, x -> { });
        assertEquals(1, closer.clustersPerCell());
        assertEquals(3, map.totalClusters(GuestStatus.DATA)); // the write at 1 GiB is outside the region
        int cell = closer.cellOf(63L << 30);
        assertEquals(3L * 16384, cell);
        assertEquals(GuestStatus.DATA, map.dominant(cell + 2));
        assertEquals(GuestStatus.UNALLOCATED, map.dominant(cell + 3));
        assertEquals(4L * 65536, map.firstHostOffset(cell + 1));

        DirtyCells dirty = new DirtyCells(closer);
        dirty.mark(new qcowdesk.engine.AllocationEvent(1L << 30, 65536, true, 0));
        assertEquals(true, dirty.isEmpty());
        dirty.mark(new qcowdesk.engine.AllocationEvent((64L << 30) - 65536, 131072, true, 0));
        assertEquals(65535, dirty.drain().get(0)[0]);
    }
}
