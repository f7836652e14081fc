package qcowdesk.bridge.nbd;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

import qcowdesk.engine.device.AttachRequest;
import qcowdesk.engine.device.DeviceTable;
import qcowdesk.engine.qcow2.OpenOptions;
import qcowdesk.engine.qcow2.Qcow2Image;
import qcowdesk.engine.testing.FlushCountingDisk;
import qcowdesk.testkit.Peers;

/**
 * A server over three real QCOW2 devices (made by qemu-img, 16 MiB, 64 KiB clusters) for protocol tests:
 * qcow0 writable with 512-byte sectors, qcow1 read-only, qcow2 with 4096-byte sectors. The handshake timeout
 * is short so that stalled clients are dropped quickly.
 */
abstract class ProtocolFixture {

    static final int SIZE = 16 << 20;
    static final int CLUSTER = 65536;

    @TempDir
    Path dir;
    DeviceTable table;
    NbdServer server;
    Path socket;
    /** The disks by file name, counting flushes. */
    final Map<String, FlushCountingDisk> disks = new ConcurrentHashMap<>();

    @BeforeEach
    void startServer() throws Exception {
        table = new DeviceTable((path, readOnly) -> {
            FlushCountingDisk disk = new FlushCountingDisk(Qcow2Image.open(path,
                    readOnly ? OpenOptions.readOnly() : OpenOptions.readWrite()));
            disks.put(path.getFileName().toString(), disk);
            return disk;
        });
        Files.createDirectories(dir.resolve("images"));
        attach("images/a.qcow2", "qcow0", false, 9);
        attach("b.qcow2", "qcow1", true, 9);
        attach("c.qcow2", "qcow2", false, 12);
        socket = dir.resolve("nbd.sock");
        server = NbdServer.start(table, NbdServer.Config.defaults().withUnixSocket(socket)
                .withHandshakeTimeout(Duration.ofMillis(1500)));
    }

    @AfterEach
    void stopServer() throws Exception {
        server.close();
        table.close();
    }

    int clients(String unit) throws Exception {
        return table.info(unit).clients();
    }

    void awaitClients(String unit, int expected) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (clients(unit) != expected && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        org.junit.jupiter.api.Assertions.assertEquals(expected, clients(unit));
    }

    private void attach(String fileName, String unit, boolean readOnly, int secBits) throws Exception {
        Peers.ok("qemu-img", "create", "-q", "-f", "qcow2", dir.resolve(fileName).toString(), String.valueOf(SIZE));
        table.attach(new AttachRequest(fileName, readOnly, secBits, unit, dir));
    }
}
