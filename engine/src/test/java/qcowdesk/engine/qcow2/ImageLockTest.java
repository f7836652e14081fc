package qcowdesk.engine.qcow2;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import qcowdesk.engine.EngineException;
import qcowdesk.engine.ErrorCode;
import qcowdesk.testkit.Peers;
import qcowdesk.testkit.Qemu;
import qcowdesk.testkit.UnwritableFile;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** Image locking against QEMU (its OFD locks) and within this JVM. */
class ImageLockTest {

    @TempDir
    Path dir;
    Path img;

    @BeforeEach
    void createImage() {
        img = dir.resolve("locked.qcow2");
        Qemu.create(img, "", 1 << 20);
    }

    @Test
    void writableOpenIsRefusedWhileQemuWrites() throws Exception {
        Peers.require("qemu-io");
        Process qemu = new ProcessBuilder("qemu-io", "-f", "qcow2", "-c", "sleep 20000", img.toString())
                .redirectErrorStream(true).start();
        try {
            awaitQemuLocks();
            EngineException e = assertThrows(EngineException.class,
                    () -> Qcow2Image.open(img, OpenOptions.readWrite()).close());
            assertEquals(ErrorCode.IN_USE, e.code());
            assertTrue(e.getMessage().contains("is in use by another process (locked for writing)"), e.getMessage());
            try (Qcow2Image shared = Qcow2Image.open(img, OpenOptions.readOnly())) {
                shared.read(0, ByteBuffer.allocate(512)); // read-only opens share, like qemu-img -U
            }
        } finally {
            Peers.stop(qemu);
        }
        Qcow2Image.open(img, OpenOptions.readWrite()).close();
    }

    @Test
    void qemuIsRefusedWhileWeWrite() throws IOException {
        try (Qcow2Image image = Qcow2Image.open(img, OpenOptions.readWrite())) {
            image.write(0, ByteBuffer.wrap(new byte[]{1, 2, 3}));
            Peers.Result r = Peers.run("qemu-io", "-f", "qcow2", "-c", "write 0 512", img.toString());
            assertNotEquals(0, r.exitCode(), "qemu-io must not open an image we write: " + r.stdout());
            assertTrue((r.stdout() + r.stderr()).contains("lock"), r.stdout() + r.stderr());
            // A read-only open in this process and its close must not drop our locks.
            Qcow2Image.open(img, OpenOptions.readOnly()).close();
            Peers.Result again = Peers.run("qemu-io", "-f", "qcow2", "-c", "read 0 512", img.toString());
            assertNotEquals(0, again.exitCode(), "our lock was lost when a read-only channel closed");
            Peers.ok("qemu-img", "info", "-U", img.toString());
        }
        Qemu.io("qcow2", img, "read -P 1 0 1");
    }

    @Test
    void secondWriterInThisProcessIsRefused() throws IOException {
        try (Qcow2Image first = Qcow2Image.open(img, OpenOptions.readWrite())) {
            Path alias = dir.resolve("alias.qcow2");
            Files.createLink(alias, img);
            EngineException e = assertThrows(EngineException.class,
                    () -> Qcow2Image.open(alias, OpenOptions.readWrite()).close());
            assertEquals(ErrorCode.IN_USE, e.code());
            first.write(0, ByteBuffer.allocate(512));
        }
        Qcow2Image.open(img, OpenOptions.readWrite()).close();
    }

    @Test
    void writableOpenOfUnwritableFileFails() throws IOException {
        Files.setPosixFilePermissions(img, PosixFilePermissions.fromString("r--r--r--"));
        EngineException e = assertThrows(EngineException.class,
                () -> Qcow2Image.open(img, OpenOptions.readWrite()).close());
        assertEquals(ErrorCode.READ_ONLY_FILE, e.code());
        Qcow2Image.open(img, OpenOptions.readOnly()).close();
    }

    @Test
    void writableOpenOfImmutableFileIsAReadOnlyFileError() throws IOException {
        try (UnwritableFile unwritable = UnwritableFile.of(img)) {
            EngineException e = assertThrows(EngineException.class,
                    () -> Qcow2Image.open(unwritable.path(), OpenOptions.readWrite()).close());
            assertEquals(ErrorCode.READ_ONLY_FILE, e.code(), e.getMessage());
            assertTrue(e.getMessage().contains("attach it read-only"), e.getMessage());
            Qcow2Image.open(unwritable.path(), OpenOptions.readOnly()).close();
        }
    }

    /** Waits until QEMU's OFD locks on the image show up in /proc/locks. */
    private void awaitQemuLocks() throws Exception {
        Object ino = Files.getAttribute(img, "unix:ino");
        long deadline = System.currentTimeMillis() + 20_000;
        while (System.currentTimeMillis() < deadline) {
            for (String line : Files.readAllLines(Path.of("/proc/locks"))) {
                if (line.contains("OFDLCK") && line.contains(":" + ino + " ")) {
                    return;
                }
            }
            Thread.sleep(50);
        }
        fail("qemu-io never locked " + img);
    }
}
