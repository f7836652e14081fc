package qcowdesk.app.hex;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import qcowdesk.app.inspect.Headless;
import qcowdesk.app.inspect.InspectedImage;
import qcowdesk.engine.qcow2.OpenOptions;
import qcowdesk.engine.qcow2.Qcow2Image;
import qcowdesk.testkit.Qemu;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** A live image's shown sector follows client writes without the user pressing F5. */
class HexLiveRefreshTest {

    private static final long LBA = 2048 + 3;

    @TempDir
    Path dir;

    @BeforeAll
    static void toolkit() throws Exception {
        Headless.start();
    }

    @Test
    void aWriteThatAllocatesTheShownSectorsClusterIsShownWithinASecond() throws Exception {
        Path file = Qemu.create(dir, "live.qcow2", "64M", 65536);
        try (Qcow2Image disk = Qcow2Image.open(file, OpenOptions.readWrite())) {
            HexPane pane = Headless.onFx(() -> new HexPane(Headless.executor()));
            Headless.onFx(() -> {
                pane.show(new InspectedImage("live.qcow2", file, disk, 512, true));
                pane.model().goToLba(LBA);
                return null;
            });
            Headless.waitUntil(20, () -> pane.shownSector() != null && pane.shownSector().lba() == LBA);
            String before = Headless.onFx(() -> pane.shownSector().mappingText());
            assertTrue(before.startsWith("unallocated"), before);

            byte[] written = new byte[512];
            Arrays.fill(written, (byte) 0x5c);
            disk.write(LBA * 512, ByteBuffer.wrap(written));
            Headless.waitUntil(1, () -> Arrays.equals(written, pane.shownSector().bytes()));
            String after = Headless.onFx(() -> pane.shownSector().mappingText());
            assertTrue(after.startsWith("data at host"), after);

            Headless.onFx(() -> { pane.clear(); return null; });
        }
    }

    @Test
    void writesElsewhereDoNotMarkTheShownSectorStale() throws Exception {
        Path file = Qemu.create(dir, "quiet.qcow2", "64M", 65536);
        try (Qcow2Image disk = Qcow2Image.open(file, OpenOptions.readWrite());
             LiveSector live = new LiveSector(disk)) {
            live.watch(LBA * 512, 512);
            disk.write(4 << 20, ByteBuffer.wrap(new byte[512]));
            assertTrue(!live.takeStale(), "a write to another cluster");
            disk.write(2048 * 512 + 65536 - 512, ByteBuffer.wrap(new byte[] {1}));
            assertTrue(live.takeStale(), "a write allocating the watched cluster");
            assertTrue(!live.takeStale(), "one change, one re-read");
        }
    }
}
