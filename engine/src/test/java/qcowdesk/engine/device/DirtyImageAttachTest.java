package qcowdesk.engine.device;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import qcowdesk.engine.EngineException;
import qcowdesk.testkit.Peers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An image left dirty by a writer that died (lazy refcounts, qemu-io killed with SIGKILL) attaches read-write as
 * it does in QEMU: the refcounts are rebuilt first, the device's watchers hear about it, and afterwards qemu-img
 * check finds the image clean with the dead writer's data intact.
 */
class DirtyImageAttachTest {

    @TempDir
    Path dir;

    private final DeviceTable table = new DeviceTable(DiskOpener.qcow2());

    @AfterEach
    void close() throws EngineException {
        table.close();
    }

    @Test
    void aDirtyImageIsRepairedOnAWritableAttachAndGoesOn() throws Exception {
        Path image = dir.resolve("crashed.qcow2");
        Peers.ok("qemu-img", "create", "-q", "-f", "qcow2", "-o", "lazy_refcounts=on", image.toString(), "8M");
        Peers.Result killed = Peers.run("qemu-io", "-c", "write -P 0x33 0 1M", "-c", "write -P 0x44 4M 64k",
                "-c", "sigraise 9", image.toString());
        assertTrue(killed.exitCode() != 0, "qemu-io was killed: " + killed.exitCode());
        assertEquals(2, Peers.run("qemu-img", "check", image.toString()).exitCode(), "qemu-io left it dirty");

        List<DeviceEvent> events = new CopyOnWriteArrayList<>();
        table.subscribe(events::add);
        DeviceInfo device = table.attach(new AttachRequest(image.toString(), false, 0, null));
        table.find(device.unit()).orElseThrow().disk().write(2 << 20, ByteBuffer.wrap(new byte[65536]));
        table.detach(device.unit(), false);

        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (events.stream().noneMatch(e -> e instanceof DeviceEvent.Repaired) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        DeviceEvent.Repaired repaired = events.stream().filter(e -> e instanceof DeviceEvent.Repaired)
                .map(e -> (DeviceEvent.Repaired) e).findFirst().orElseThrow(() -> new AssertionError(events));
        assertEquals(device.unit(), repaired.unit());
        assertTrue(repaired.message().contains("dirty"), repaired.message());

        Peers.ok("qemu-img", "check", image.toString());
        Peers.ok("qemu-io", "-c", "read -P 0x33 0 1M", "-c", "read -P 0x44 4M 64k", "-c", "read -P 0 2M 64k",
                image.toString());
    }

    @Test
    void aReadOnlyAttachLeavesADirtyImageAsItIs() throws IOException {
        Path image = dir.resolve("crashed.qcow2");
        Peers.ok("qemu-img", "create", "-q", "-f", "qcow2", "-o", "lazy_refcounts=on", image.toString(), "8M");
        Peers.run("qemu-io", "-c", "write -P 0x33 0 1M", "-c", "sigraise 9", image.toString());
        DeviceInfo device = table.attach(new AttachRequest(image.toString(), true, 0, null));
        table.detach(device.unit(), false);
        assertEquals(2, Peers.run("qemu-img", "check", image.toString()).exitCode());
    }
}
