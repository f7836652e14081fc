package qcowdesk.app.inspect;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;

import javafx.scene.Scene;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import qcowdesk.app.growth.GrowthPane;
import qcowdesk.app.hex.HexPane;
import qcowdesk.app.map.AllocationMapPane;

import static org.junit.jupiter.api.Assertions.assertTrue;

class ScreenshotTest {

    @BeforeAll
    static void toolkit() throws Exception {
        Headless.start();
    }

    @Test
    void panesRenderToPng() throws Exception {
        MemoryDisk disk = new MemoryDisk(64L << 20, 65536);
        for (int i = 0; i < 300; i += 1 + i % 7) {
            disk.write(i * 65536L * 3, ByteBuffer.wrap(("cluster " + i).getBytes()));
        }
        InspectedImage image = InspectedImage.offline("demo.qcow2", Path.of("demo.qcow2"), disk);

        AllocationMapPane map = Headless.onFx(AllocationMapPane::new);
        Scene mapScene = Headless.scene(map, 900, 560);
        Headless.onFx(() -> { map.show(image); return null; });
        Headless.waitUntil(20, () -> map.guestMap() != null);
        Path png = Headless.snapshot(mapScene, "allocation-map");
        assertTrue(Files.size(png) > 1000);

        HexPane hex = Headless.onFx(HexPane::new);
        Scene hexScene = Headless.scene(hex, 900, 560);
        Headless.onFx(() -> { hex.show(image); return null; });
        Headless.waitUntil(20, () -> hex.shownSector() != null);
        Headless.snapshot(hexScene, "hex-view");
    }
}
