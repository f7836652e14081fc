package qcowdesk.bridge.nbd;

import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server over in-memory disks for protocol tests: qcow0 (16 MiB, 64 KiB clusters, writable, 512-byte
 * sectors), qcow1 (read-only), qcow2 (4096-byte sectors).
 */
abstract class MemoryServerFixture {

    static final int SIZE = 16 << 20;
    static final int CLUSTER = 65536;

    @TempDir
    Path dir;
    TestDevices devices;
    TestDevices.TestDevice writable;
    TestDevices.TestDevice readOnly;
    TestDevices.TestDevice bigSectors;
    MemoryDisk disk;
    NbdServer server;
    Path socket;

    @BeforeEach
    void startServer() throws Exception {
        devices = new TestDevices();
        disk = new MemoryDisk(SIZE, CLUSTER, false);
        writable = devices.add("qcow0", "images/a.qcow2", disk, false, 512);
        readOnly = devices.add("qcow1", "b.qcow2", new MemoryDisk(SIZE, CLUSTER, true), true, 512);
        bigSectors = devices.add("qcow2", "c.qcow2", new MemoryDisk(SIZE, CLUSTER, false), false, 4096);
        socket = dir.resolve("nbd.sock");
        server = NbdServer.start(devices, NbdServer.Config.defaults().withUnixSocket(socket)
                .withHandshakeTimeout(Duration.ofMillis(1500)));
    }

    @AfterEach
    void stopServer() {
        server.close();
    }
}
