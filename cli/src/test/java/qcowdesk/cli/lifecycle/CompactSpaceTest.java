package qcowdesk.cli.lifecycle;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import qcowdesk.cli.CliRun;
import qcowdesk.cli.format.QemuJson;
import qcowdesk.testkit.Peers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static qcowdesk.cli.lifecycle.LifecycleImages.checkClean;
import static qcowdesk.cli.lifecycle.LifecycleImages.create;
import static qcowdesk.cli.lifecycle.LifecycleImages.io;

/** {@code compact} and {@code info --space} on images QEMU wrote, checked by qemu-img. */
class CompactSpaceTest {

    @TempDir
    Path dir;

    @Test
    void compactDropsZeroClustersKeepsContentModeAndOwner() throws Exception {
        Path image = create(dir, "disk.qcow2", "32M");
        io(image, "write -P 1 0 1M", "write -P 0 4M 2M", "write -c -P 2 8M 64k", "write -P 3 20M 64k",
                "write -P 0 21M 64k");
        Path before = Files.copy(image, dir.resolve("before.qcow2"));
        Files.setPosixFilePermissions(image, PosixFilePermissions.fromString("rw-r-----"));
        Peers.ok("chown", "65534:65534", image.toString());

        JsonNode space = QemuJson.mapper().readTree(CliRun.of("info", "--space", "--json", image.toString()).out());
        assertEquals(33L << 20, space.get("virtual-size").asLong() + (1L << 20));
        assertEquals((2L << 20) + (64 << 10), space.get("zero-data").asLong(), space.toString());
        assertEquals((1L << 20) + (2L << 20) + (64 << 10) * 3, space.get("guest-allocated").asLong());
        assertTrue(space.get("metadata").asLong() >= 4 * 65536, space.toString());

        byte[] original = Files.readAllBytes(image);
        CliRun dry = CliRun.of("compact", "--dry-run", image.toString());
        assertEquals(0, dry.exitCode(), dry.err());
        assertTrue(dry.out().startsWith("would compact") && dry.out().contains("33 data cluster(s) held only zeros"),
                dry.out());
        assertArrayEquals(original, Files.readAllBytes(image), "dry run changed the image");

        CliRun run = CliRun.of("compact", image.toString());
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(Files.size(image) < original.length - (2L << 20), run.out());
        checkClean(image);
        Peers.ok("qemu-img", "compare", "-q", before.toString(), image.toString());
        assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(image)));
        assertEquals(65534, Files.getAttribute(image, "unix:uid"));
        assertTrue(Peers.ok("qemu-img", "check", image.toString()).stdout().contains("compressed clusters")
                && !Peers.ok("qemu-img", "check", image.toString()).stdout().contains(", 0.00% compressed"));
        try (var files = Files.list(dir)) {
            assertEquals(2, files.count(), "a temporary file was left behind");
        }
    }

    @Test
    void overBackingZeroDataBecomesZeroClustersAndUnallocatedStaysSo() throws Exception {
        Path base = create(dir, "base.qcow2", "8M");
        io(base, "write -P 7 0 8M");
        Path top = dir.resolve("top.qcow2");
        Peers.ok("qemu-img", "create", "-q", "-f", "qcow2", "-b", "base.qcow2", "-F", "qcow2", top.toString());
        io(top, "write -P 0 1M 128k", "write -P 9 3M 64k");
        Path before = Files.copy(top, dir.resolve("top-before.qcow2"));
        Peers.ok("qemu-img", "rebase", "-u", "-b", "base.qcow2", "-F", "qcow2", before.toString());

        CliRun run = CliRun.of("compact", top.toString());
        assertEquals(0, run.exitCode(), run.err());
        checkClean(top);
        Peers.ok("qemu-img", "compare", "-q", before.toString(), top.toString());
        JsonNode map = QemuJson.mapper().readTree(
                Peers.ok("qemu-img", "map", "--output=json", top.toString()).stdout());
        long ownData = 0;
        long ownZero = 0;
        for (JsonNode e : map) {
            if (e.get("depth").asInt() == 0 && e.get("present").asBoolean()) {
                ownData += e.get("data").asBoolean() ? e.get("length").asLong() : 0;
                ownZero += e.get("zero").asBoolean() ? e.get("length").asLong() : 0;
            }
        }
        assertEquals(64 << 10, ownData, map.toString());
        assertEquals(128 << 10, ownZero, map.toString());
    }

    @Test
    void refusesImagesWithSnapshots() throws Exception {
        Path image = create(dir, "snap.qcow2", "8M");
        io(image, "write -P 1 0 64k");
        Peers.ok("qemu-img", "snapshot", "-c", "s1", image.toString());
        byte[] original = Files.readAllBytes(image);
        CliRun run = CliRun.of("compact", image.toString());
        assertEquals(1, run.exitCode());
        assertTrue(run.err().contains("internal snapshot"), run.err());
        assertArrayEquals(original, Files.readAllBytes(image));
    }
}
