package qcowdesk.app.growth;

import java.nio.ByteBuffer;

import org.junit.jupiter.api.Test;
import qcowdesk.engine.testing.MemoryDisk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class GrowthModelTest {

    @Test
    void keepsABoundedWindowOfSamples() {
        GrowthModel model = new GrowthModel(3);
        assertNull(model.add(new GrowthSample(0, 100, 1)));
        model.add(new GrowthSample(1, 200, 2));
        model.add(new GrowthSample(2, 300, 3));
        assertEquals(0, model.add(new GrowthSample(3, 400, 5)).seconds());
        assertEquals(3, model.samples().size());
        assertEquals(200, model.fileGrowth());
        assertEquals(3, model.clusterGrowth());
    }

    @Test
    void countsAllocationsFromEventsOnTopOfTheBaseline() throws Exception {
        MemoryDisk disk = new MemoryDisk(1L << 30, 65536);
        disk.write(0, ByteBuffer.allocate(10));
        try (AllocationCounter counter = new AllocationCounter(disk)) {
            counter.baseline(disk, 4L * 65536, () -> false);
            assertEquals(1, counter.allocatedClusters());
            disk.write(65536, ByteBuffer.allocate(3 * 65536));
            assertEquals(4, counter.allocatedClusters());
            assertEquals(7L * 65536, counter.fileSize());
        }
    }
}
