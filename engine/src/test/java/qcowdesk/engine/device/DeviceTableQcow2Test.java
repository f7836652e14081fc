package qcowdesk.engine.device;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import qcowdesk.engine.EngineException;
import qcowdesk.engine.ErrorCode;
import qcowdesk.testkit.Peers;
import qcowdesk.testkit.UnwritableFile;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static qcowdesk.engine.device.Refusals.fails;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** The device table over real QCOW2 images made by qemu-img, with QEMU as the other party of the image lock. */
class DeviceTableQcow2Test {

    @TempDir
    Path dir;

    private final DeviceTable table = new DeviceTable(DiskOpener.qcow2());

    @AfterEach
    void close() throws EngineException {
        table.close();
    }

    private Path qcow2(String name, long size) {
        Path file = dir.resolve(name);
        Peers.ok("qemu-img", "create", "-q", "-f", "qcow2", file.toString(), Long.toString(size));
        return file;
    }

    private DeviceInfo attach(Path file, boolean readOnly, int secBits) throws EngineException {
        return table.attach(new AttachRequest(file.toString(), readOnly, secBits, null));
    }


    @Test
    void theDeviceHasVirtualSizeShiftedBySecBitsSectors() throws IOException {
        Path file = qcow2("odd.qcow2", 3 * 1024 * 1024 + 512);
        DeviceInfo small = attach(file, true, 0);
        assertEquals(3 * 2048 + 1, small.sectors());
        DeviceInfo large = attach(file, true, 12);
        assertEquals(3 * 256, large.sectors());
        assertEquals(3 * 1024 * 1024, large.sizeBytes());
    }

    @Test
    void writesThroughADeviceMakeACleanImageQemuReadsBack() throws IOException {
        Path file = qcow2("w.qcow2", 8 * 1024 * 1024);
        Device device = table.find(attach(file, false, 12).unit()).orElseThrow();
        byte[] data = new byte[8192];
        Arrays.fill(data, (byte) 0x5a);
        device.disk().write(1024 * 1024, ByteBuffer.wrap(data));
        table.detach(device.unit(), false);
        Peers.ok("qemu-img", "check", file.toString());
        Peers.ok("qemu-io", "-f", "qcow2", "-c", "read -P 0x5a 1048576 8192", "-c", "read -P 0 0 1048576", file.toString());
    }

    @Test
    void aReadOnlyDeviceRefusesWritesAndTheImageStaysByteIdentical() throws IOException {
        Path file = qcow2("ro.qcow2", 4 * 1024 * 1024);
        Peers.ok("qemu-io", "-f", "qcow2", "-c", "write -P 0x11 0 65536", file.toString());
        byte[] before = Files.readAllBytes(file);
        Device device = table.find(attach(file, true, 0).unit()).orElseThrow();
        fails(ErrorCode.READ_ONLY_FILE, () -> device.disk().write(0, ByteBuffer.allocate(512)));
        ByteBuffer read = ByteBuffer.allocate(512);
        device.disk().read(0, read);
        byte[] expected = new byte[512];
        Arrays.fill(expected, (byte) 0x11);
        assertArrayEquals(expected, read.array());
        table.detach(device.unit(), false);
        assertArrayEquals(before, Files.readAllBytes(file));
    }

    @Test
    void writableAttachOfAnImmutableImageFailsReadOnlyFile() throws IOException {
        Path file = qcow2("locked.qcow2", 1024 * 1024);
        try (UnwritableFile unwritable = UnwritableFile.of(file)) {
            EngineException e = fails(ErrorCode.READ_ONLY_FILE, () -> attach(unwritable.path(), false, 0));
            assertTrue(e.getMessage().contains("for writing"), e.getMessage());
            assertTrue(table.list().isEmpty());
            assertTrue(attach(unwritable.path(), true, 0).readOnly());
        }
    }

    @Test
    void anImageQemuHoldsIsInUseAndQemuSeesOurLockToo() throws Exception {
        Path file = qcow2("shared.qcow2", 1024 * 1024);
        Path socket = dir.resolve("nbd.sock");
        Peers.require("qemu-nbd");
        // a child of ours (not --fork), so that we can stop it and reap it
        Process qemuNbd = new ProcessBuilder("qemu-nbd", "--socket=" + socket, "-f", "qcow2", file.toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            awaitListening(socket, qemuNbd);
            EngineException e = fails(ErrorCode.IN_USE, () -> attach(file, false, 0));
            assertTrue(e.getMessage().contains("shared.qcow2"), e.getMessage());
        } finally {
            Peers.stop(qemuNbd);
        }
        DeviceInfo mine = attach(file, false, 0);
        Peers.Result qemuImg = Peers.run("qemu-img", "info", file.toString());
        assertTrue(qemuImg.exitCode() != 0 && qemuImg.stderr().contains("lock"), qemuImg.toString());
        table.detach(mine.unit(), false);
        Peers.ok("qemu-img", "info", file.toString());
    }

    /** qemu-nbd opens (and locks) the image before it creates its socket: a socket that accepts means a lock. */
    private static void awaitListening(Path socket, Process server) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline && server.isAlive()) {
            try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                probe.connect(UnixDomainSocketAddress.of(socket));
                return;
            } catch (IOException notYet) {
                Thread.sleep(20);
            }
        }
        fail("qemu-nbd did not start serving on " + socket);
    }

    @Test
    void statMatchesStat1ForAQcow2ImageAfterItWasMoved() throws IOException {
        Path file = qcow2("s.qcow2", 1024 * 1024);
        DeviceInfo info = attach(file, false, 0);
        DeviceTableTest.assertStatMatches(file, table.stat(info.unit()));
        Path moved = Files.move(file, dir.resolve("moved.qcow2"));
        DeviceTableTest.assertStatMatches(moved, table.stat(info.unit()));
    }
}
