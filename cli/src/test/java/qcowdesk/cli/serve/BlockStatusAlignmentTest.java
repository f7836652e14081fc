package qcowdesk.cli.serve;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import qcowdesk.cli.QcowctlProcess;
import qcowdesk.cli.format.QemuJson;
import qcowdesk.testkit.Peers;

import static qcowdesk.cli.QcowctlProcess.READY;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Block-status extents are whole blocks of the advertised minimum block size (a block that is partly data is
 * data), so that clients such as nbdcopy, which read extent by extent, never send an unaligned request: an overlay
 * over a backing file whose size is not a multiple of 512, and 512-byte clusters or 2 KiB subclusters exported
 * with 4096-byte sectors.
 */
class BlockStatusAlignmentTest {

    @TempDir
    Path dir;

    @Test
    void overlayOverABackingFileOfOddSize() throws Exception {
        Path base = dir.resolve("base.raw");
        byte[] bytes = new byte[1_000_000];
        new Random(9).nextBytes(bytes);
        Files.write(base, bytes);
        Path overlay = dir.resolve("overlay.qcow2");
        Peers.ok("qemu-img", "create", "-q", "-f", "qcow2", "-b", "base.raw", "-F", "raw", overlay.toString(), "1M");
        assertClientsReadWholeBlocks(overlay, 512);
    }

    @Test
    void smallClustersOnA4096ByteSectorExport() throws Exception {
        Path image = dir.resolve("small.qcow2");
        Peers.ok("qemu-img", "create", "-q", "-f", "qcow2", "-o", "cluster_size=512", image.toString(), "1M");
        Peers.ok("qemu-io", "-f", "qcow2", "-c", "write -P 1 512 512", "-c", "write -P 2 5120 1536",
                "-c", "write -z 16k 512", "-c", "write -P 3 65024 512", image.toString());
        assertClientsReadWholeBlocks(image, 4096);
    }

    @Test
    void subclustersOnA4096ByteSectorExport() throws Exception {
        Path image = dir.resolve("sub.qcow2");
        Peers.ok("qemu-img", "create", "-q", "-f", "qcow2", "-o", "extended_l2=on,cluster_size=64k",
                image.toString(), "1M");
        Peers.ok("qemu-io", "-f", "qcow2", "-c", "write -P 1 2k 2k", "-c", "write -P 2 70k 2k",
                "-c", "write -z 200k 2k", image.toString());
        assertClientsReadWholeBlocks(image, 4096);
    }

    private void assertClientsReadWholeBlocks(Path image, int sectorSize) throws Exception {
        Path expected = dir.resolve("expected.raw");
        Peers.ok("qemu-img", "convert", "-O", "raw", image.toString(), expected.toString());
        Path socket = dir.resolve("nbd.sock");
        try (QcowctlProcess serve = QcowctlProcess.start(dir.resolve("run"), dir, "serve", "--read-only",
                "--sector-size", Integer.toString(sectorSize), "--socket", socket.toString(), image.toString())) {
            String uri = serve.nextLine(READY);
            JsonNode map = QemuJson.mapper().readTree(Peers.ok("nbdinfo", "--map", "--json", uri).stdout());
            for (JsonNode extent : map) {
                assertEquals(0, extent.get("offset").asLong() % sectorSize, map.toString());
                assertEquals(0, extent.get("length").asLong() % sectorSize, map.toString());
            }
            Path copy = dir.resolve("copy.raw");
            Peers.ok("sh", "-c", "nbdcopy '" + uri + "' - > '" + copy + "'");
            assertEquals(-1L, Files.mismatch(expected, copy), "nbdcopy reads what qemu-img convert does");
            serve.signal("TERM");
            assertEquals(0, serve.awaitExit(READY).exitCode());
        }
    }
}
