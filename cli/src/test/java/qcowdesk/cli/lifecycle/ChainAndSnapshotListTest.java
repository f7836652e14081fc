package qcowdesk.cli.lifecycle;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import qcowdesk.cli.CliRun;
import qcowdesk.cli.format.QemuJson;
import qcowdesk.testkit.Peers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static qcowdesk.cli.lifecycle.LifecycleImages.create;
import static qcowdesk.cli.lifecycle.LifecycleImages.io;

/** {@code snapshot -l}, {@code info --backing-chain}, and the refusal of operations on an image in use. */
class ChainAndSnapshotListTest {

    @TempDir
    Path dir;

    @Test
    void snapshotListIsQemuImgs() {
        Path image = create(dir, "snap.qcow2", "8M");
        CliRun none = CliRun.of("snapshot", "-l", image.toString());
        assertEquals(0, none.exitCode(), none.err());
        assertEquals(Peers.ok("qemu-img", "snapshot", "-l", image.toString()).stdout(), none.out());
        io(image, "write -P 1 0 64k");
        Peers.ok("qemu-img", "snapshot", "-c", "first", image.toString());
        io(image, "write -P 2 0 64k");
        Peers.ok("qemu-img", "snapshot", "-c", "a much longer snapshot name", image.toString());
        CliRun two = CliRun.of("snapshot", "-l", image.toString());
        assertEquals(Peers.ok("qemu-img", "snapshot", "-l", image.toString()).stdout(), two.out());
    }

    @Test
    void backingChainIsQemuImgs() throws Exception {
        Path raw = dir.resolve("base.raw");
        Files.write(raw, new byte[1 << 20]);
        Path middle = dir.resolve("middle.qcow2");
        Peers.ok("qemu-img", "create", "-q", "-f", "qcow2", "-b", "base.raw", "-F", "raw", middle.toString());
        Path top = dir.resolve("top.qcow2");
        Peers.ok("qemu-img", "create", "-q", "-f", "qcow2", "-b", "middle.qcow2", "-F", "qcow2", top.toString());
        io(top, "write -P 3 0 64k");
        CliRun text = CliRun.of("info", "--backing-chain", top.toString());
        assertEquals(0, text.exitCode(), text.err());
        assertEquals(Peers.ok("qemu-img", "info", "--backing-chain", top.toString()).stdout(), text.out());
        CliRun json = CliRun.of("info", "--backing-chain", "--output=json", top.toString());
        assertEquals(QemuJson.mapper().readTree(Peers.ok("qemu-img", "info", "--backing-chain", "--output=json",
                top.toString()).stdout()), QemuJson.mapper().readTree(json.out()));
    }

    @Test
    void operationsOnAnImageInUseSayDetachFirst() throws Exception {
        Path image = create(dir, "busy.qcow2", "8M");
        io(image, "write -P 1 0 64k");
        byte[] before = Files.readAllBytes(image);
        Process qemu = new ProcessBuilder("qemu-io", "-f", "qcow2", "-c", "sleep 20000", image.toString())
                .redirectErrorStream(true).start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (Peers.run("qemu-img", "info", image.toString()).exitCode() == 0) { // until qemu-io holds the lock
                assertTrue(System.nanoTime() < deadline && qemu.isAlive(), "qemu-io did not lock the image");
                Thread.sleep(50);
            }
            for (String[] args : new String[][] {{"compact", image.toString()}, {"resize", image.toString(), "+1M"},
                    {"snapshot", "-c", "s", image.toString()}, {"snapshot", "-a", "s", image.toString()},
                    {"snapshot", "-d", "s", image.toString()}}) {
                CliRun run = CliRun.of(args);
                assertEquals(1, run.exitCode(), String.join(" ", args));
                assertTrue(run.err().contains("in use") && run.err().contains("detach it first"), run.err());
            }
        } finally {
            qemu.destroy();
            if (!qemu.waitFor(10, TimeUnit.SECONDS)) {
                qemu.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
        assertArrayEquals(before, Files.readAllBytes(image));
    }
}
