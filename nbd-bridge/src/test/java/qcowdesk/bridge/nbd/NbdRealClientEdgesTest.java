package qcowdesk.bridge.nbd;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import qcowdesk.testkit.Peers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Real clients where offsets and sizes are awkward: past 2 TiB and 4 TiB (where a 32-bit sector count or a
 * signed int offset would wrap), and writes smaller than the sector of a 4096-byte-sector export, which the
 * client must turn into read-modify-write.
 */
class NbdRealClientEdgesTest extends Qcow2ServerFixture {

    private static final long TIB = 1L << 40;

    @Test
    void writesPastTwoAndFourTebibytesLandWhereTheClientPutThem() throws Exception {
        Path image = createImage("huge.qcow2", "5T", "-o", "cluster_size=65536");
        String unit = attach(image, false, 9);
        String uri = uri(unit);
        long[] offsets = {2 * TIB - 4096, 2 * TIB + 65536 + 512, 4 * TIB - 4096, 4 * TIB + 65536 * 3 + 1024, 5 * TIB - 8192};
        for (int i = 0; i < offsets.length; i++) {
            assertNoQemuIoFailure(qemuIoNbd(uri, "write -P " + (0x41 + i) + " " + offsets[i] + " 8192"));
        }
        for (int i = 0; i < offsets.length; i++) {
            assertNoQemuIoFailure(qemuIoNbd(uri, "read -P " + (0x41 + i) + " " + offsets[i] + " 8192"));
        }
        // libnbd sees the same: block status past 4 TiB reports data exactly around what was written.
        String map = Peers.ok("nbdinfo", "--map", uri).stdout();
        for (long offset : offsets) {
            assertTrue(map.lines().map(l -> l.trim().split("\\s+")).anyMatch(f -> f[f.length - 1].equals("data")
                            && Long.parseLong(f[0]) <= offset && offset + 8192 <= Long.parseLong(f[0]) + Long.parseLong(f[1])),
                    "no data extent covers " + offset + " in\n" + map);
        }
        detachWhenIdle(unit);
        // The engine put every write at the offset asked for: qemu-io on the file itself agrees.
        for (int i = 0; i < offsets.length; i++) {
            qemuIo(image, "qcow2", "read -P " + (0x41 + i) + " " + offsets[i] + " 8192");
        }
        qemuIo(image, "qcow2", "read -P 0 " + (3 * TIB) + " 65536", "read -P 0 " + (4 * TIB - 12288) + " 8192");
        Peers.ok("qemu-img", "check", image.toString());
    }

    @Test
    void subSectorWritesOnAFourKibibyteSectorExportAreReadModifyWrite() throws Exception {
        Path image = createImage("rmw.qcow2", "16M", "-o", "cluster_size=512");
        String unit = attach(image, false, 12);
        String uri = uri(unit);
        assertNoQemuIoFailure(qemuIoNbd(uri, "write -P 0x11 0 64k"));
        // 512 bytes in the middle of a 4096-byte sector, and 1 KiB straddling two sectors.
        assertNoQemuIoFailure(qemuIoNbd(uri, "write -P 0x22 1536 512", "write -P 0x33 7680 1024"));
        assertNoQemuIoFailure(qemuIoNbd(uri, "read -P 0x11 0 1536", "read -P 0x22 1536 512",
                "read -P 0x11 2048 5632", "read -P 0x33 7680 1024", "read -P 0x11 8704 56832"));
        Peers.Result info = Peers.ok("nbdinfo", "--json", uri);
        assertTrue(info.stdout().contains("\"block_size_minimum\": 4096"), info.stdout());
        detachWhenIdle(unit);
        qemuIo(image, "qcow2", "read -P 0x11 0 1536", "read -P 0x22 1536 512", "read -P 0x33 7680 1024");
        assertEquals(0, Peers.run("qemu-img", "check", image.toString()).exitCode());
    }
}
