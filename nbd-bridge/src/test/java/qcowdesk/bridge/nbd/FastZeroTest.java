package qcowdesk.bridge.nbd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static qcowdesk.bridge.nbd.RawNbdClient.CMD_WRITE_ZEROES;
import static qcowdesk.bridge.nbd.RawNbdClient.ENOTSUP;
import static qcowdesk.bridge.nbd.TransmissionTest.assertError;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import qcowdesk.testkit.Peers;

/**
 * FAST_ZERO must only succeed when zeroing is cheaper than writing zeros: a client told "fast" skips its own
 * zeroing, so a server that then writes zeros slowly (v2 images have no zero flag) breaks the client's plan.
 */
class FastZeroTest extends Qcow2ServerFixture {

    private static final int CLUSTER = 65536;
    private static final int FAST_ZERO = 1 << 4;
    private static final int NO_HOLE = 1 << 1;

    @Test
    void v2ImageWithBackingRefusesFastZeroAndWritesNothing() throws Exception {
        Path base = createImage("base.qcow2", "1M", "-o", "compat=0.10");
        qemuIo(base, "qcow2", "write -P 0x5a 0 1M");
        Path top = createImage("top.qcow2", "1M", "-o", "compat=0.10", "-b", base.toString(), "-F", "qcow2");
        byte[] before = Files.readAllBytes(top);
        String unit = attach(top, false, 0);
        try (RawNbdClient client = RawNbdClient.openExport(dir.resolve("nbd.sock"), unit, true)) {
            assertError(client, ENOTSUP, FAST_ZERO, CMD_WRITE_ZEROES, 0, 2 * CLUSTER);
            assertError(client, ENOTSUP, FAST_ZERO | NO_HOLE, CMD_WRITE_ZEROES, 0, 2 * CLUSTER);
        }
        detachWhenIdle(unit);
        assertArrayEquals(before, Files.readAllBytes(top), "a refused fast zero leaves the image untouched");
        Peers.ok("qemu-io", "-f", "qcow2", "-c", "read -P 0x5a 0 1M", top.toString())
                .stdout().lines().forEach(line -> assertTrue(!line.contains("fail"), line));
    }

    @Test
    void v2ImageWithoutBackingZeroesFastOnlyWhenItMayDeallocate() throws Exception {
        Path image = createImage("v2.qcow2", "1M", "-o", "compat=0.10");
        qemuIo(image, "qcow2", "write -P 0x5a 0 1M");
        String unit = attach(image, false, 0);
        try (RawNbdClient client = RawNbdClient.openExport(dir.resolve("nbd.sock"), unit, true)) {
            assertError(client, ENOTSUP, FAST_ZERO | NO_HOLE, CMD_WRITE_ZEROES, 0, CLUSTER);
            assertError(client, 0, FAST_ZERO, CMD_WRITE_ZEROES, 0, CLUSTER);
        }
        detachWhenIdle(unit);
        JsonNode first = json(Peers.run("qemu-img", "map", "--output=json", image.toString())).get(0);
        assertEquals(CLUSTER, first.get("length").asLong(), first.toString());
        assertTrue(first.get("zero").asBoolean() && !first.get("data").asBoolean(), first.toString());
    }

    @Test
    void v3ImageWithBackingZeroesFastThroughTheZeroFlag() throws Exception {
        Path base = createImage("base.qcow2", "1M");
        qemuIo(base, "qcow2", "write -P 0x5a 0 1M");
        Path top = createImage("top.qcow2", "1M", "-b", base.toString(), "-F", "qcow2");
        String unit = attach(top, false, 0);
        try (RawNbdClient client = RawNbdClient.openExport(dir.resolve("nbd.sock"), unit, true)) {
            assertError(client, 0, FAST_ZERO, CMD_WRITE_ZEROES, 0, 2 * CLUSTER);
            assertError(client, ENOTSUP, FAST_ZERO, CMD_WRITE_ZEROES, 2 * CLUSTER + 512, 512);
        }
        detachWhenIdle(unit);
        JsonNode first = json(Peers.run("qemu-img", "map", "--output=json", top.toString())).get(0);
        assertEquals(0, first.get("start").asLong());
        assertEquals(2 * CLUSTER, first.get("length").asLong(), first.toString());
        assertEquals(0, first.get("depth").asInt(), "zeroed in the top image, not read from the backing file");
        assertTrue(first.get("zero").asBoolean() && !first.get("data").asBoolean(), first.toString());
        Peers.ok("qemu-img", "check", top.toString());
    }
}
