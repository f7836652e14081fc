package qcowdesk.app.map;

import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class MapCanvasTest {

    @Test
    void smallMapsGetCellsLargeEnoughToFillTheViewAndHugeOnesTheSmallest() {
        assertEquals(24, MapCanvas.fittingCellSize(10, 800, 400));
        int size = MapCanvas.fittingCellSize(4096, 880, 440);
        long columns = 880 / size;
        assertEquals(true, (4096 + columns - 1) / columns * size <= 440);
        assertEquals(MapCanvas.MIN_CELL, MapCanvas.fittingCellSize(65536, 880, 440));
    }

    @Test
    void hoverTextNamesGuestRangeHostOffsetAndCounts() {
        MapGeometry geometry = MapGeometry.of(1L << 40, 65536, MapGeometry.DEFAULT_MAX_CELLS);
        CellInfo info = new CellInfo(1, 1L << 24, 2L << 24, 0x50000, Map.of("data", 2L));
        assertEquals("guest 0x1000000 – 0x1ffffff (16.0 MiB)\nhost 0x50000 (first stored cluster)\ndata 2 clusters\ndouble-click for a closer look",
                GuestCells.describe(info, geometry));
    }
}
