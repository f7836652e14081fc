package qcowdesk.cli.lifecycle;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import qcowdesk.cli.QcowctlProcess;
import qcowdesk.testkit.Peers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static qcowdesk.cli.lifecycle.LifecycleImages.create;
import static qcowdesk.cli.lifecycle.LifecycleImages.io;

/** {@code serve --snapshot}: a snapshot QEMU took, exported read-only as it was (like qemu-nbd -l). */
class ServeSnapshotTest {

    @TempDir
    Path dir;

    @Test
    void exportsTheSnapshotReadOnly() throws Exception {
        Path image = create(dir, "disk.qcow2", "8M");
        io(image, "write -P 1 0 1M", "write -P 2 4M 64k");
        Path then = dir.resolve("then.qcow2");
        Peers.ok("qemu-img", "convert", "-O", "qcow2", image.toString(), then.toString());
        Peers.ok("qemu-img", "snapshot", "-c", "before", image.toString());
        io(image, "write -P 3 0 512k", "write -z 4M 64k", "write -P 4 6M 64k");
        byte[] file = Files.readAllBytes(image);
        Path socket = dir.resolve("nbd.sock");
        try (QcowctlProcess serve = QcowctlProcess.start(dir, dir, "serve", "--socket", socket.toString(),
                "--snapshot", "before", image.toString())) {
            String uri = serve.nextLine(Duration.ofSeconds(30));
            Peers.ok("qemu-img", "compare", "-q", "-f", "qcow2", "-F", "raw", then.toString(), uri);
            Peers.Result current = Peers.run("qemu-img", "compare", "-q", "-f", "qcow2", "-F", "raw",
                    image.toString(), uri);
            assertEquals(1, current.exitCode(), "the export shows the current disk, not the snapshot");
            Peers.Result write = Peers.run("qemu-io", "-f", "raw", "-c", "write -P 9 0 4k", uri);
            assertTrue(write.exitCode() != 0 || (write.stdout() + write.stderr()).contains("ermission"),
                    write.stdout() + write.stderr());
            serve.signal("TERM");
            assertEquals(0, serve.awaitExit(Duration.ofSeconds(30)).exitCode());
        }
        assertArrayEquals(file, Files.readAllBytes(image));
        try (QcowctlProcess missing = QcowctlProcess.start(dir, dir, "serve", "--socket",
                dir.resolve("x.sock").toString(), "--snapshot", "nope", image.toString())) {
            QcowctlProcess.Result r = missing.awaitExit(Duration.ofSeconds(30));
            assertNotEquals(0, r.exitCode());
            assertTrue(r.stderr().contains("no internal snapshot named 'nope'"), r.stderr());
        }
    }
}
