package qcowdesk.engine.qcow2;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import qcowdesk.engine.EngineException;
import qcowdesk.engine.ErrorCode;
import qcowdesk.engine.device.AttachRequest;
import qcowdesk.engine.device.DeviceInfo;
import qcowdesk.engine.device.DeviceTable;
import qcowdesk.engine.device.DiskOpener;
import qcowdesk.testkit.Peers;
import qcowdesk.testkit.Qemu;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An image path swapped for a FIFO between the type check and the open: the open never hangs its caller (a FIFO
 * opened for reading waits for a writer forever), the FIFO is refused as not a regular file, and no descriptor of
 * it is left behind. Then the real race: a path flipped between an image and a FIFO while read-only attaches run.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class FifoSwapTest {

    private static final long BOUND_MILLIS = 500;

    @TempDir
    Path dir;
    private Path image;
    private Path fifo;

    @BeforeEach
    void create() {
        System.setProperty(RegularFiles.TIMEOUT_PROPERTY, Long.toString(BOUND_MILLIS));
        image = dir.resolve("disk.qcow2");
        Qemu.create(image, "", 1 << 20);
        fifo = dir.resolve("pipe");
        Peers.ok("mkfifo", fifo.toString());
    }

    @AfterEach
    void restore() {
        System.clearProperty(RegularFiles.TIMEOUT_PROPERTY);
    }

    /** Moves the FIFO over the image's path: the path now names a FIFO. */
    private Runnable swapToFifo(Path path) {
        return () -> {
            try {
                Files.move(fifo, path, StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        };
    }

    /** Whether this process has a descriptor open on a FIFO of the test's directory. */
    private boolean holdsAFifo() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.anyMatch(fd -> {
                try {
                    return Files.readSymbolicLink(fd).toString().startsWith(dir.toString())
                            && ((Integer) Files.getAttribute(fd, "unix:mode") & 0170000) == 0010000;
                } catch (IOException e) {
                    return false; // closed meanwhile
                }
            });
        }
    }

    @Test
    void aReadOnlyOpenOfAPathSwappedForAFifoIsRefusedWithinTheBound() throws Exception {
        Path path = dir.resolve("swapped.qcow2");
        Files.copy(image, path);
        long start = System.nanoTime();
        EngineException e = assertThrows(EngineException.class,
                () -> RegularFiles.open(path, false, swapToFifo(path)).channel().close());
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertEquals(ErrorCode.INVALID_ARGUMENT, e.code(), e.getMessage());
        assertTrue(e.getMessage().contains("is not a regular file (it is a FIFO, socket or device; it was swapped in"),
                e.getMessage());
        assertTrue(millis < BOUND_MILLIS + 2000, "answered in " + millis + " ms");
        Thread.sleep(300);
        assertTrue(!holdsAFifo(), "the waiting open was released and closed");
    }

    @Test
    void aReadWriteOpenOfAPathSwappedForAFifoIsRefusedAtOnce() throws Exception {
        Path path = dir.resolve("swapped.qcow2");
        Files.copy(image, path);
        long start = System.nanoTime();
        EngineException e = assertThrows(EngineException.class,
                () -> RegularFiles.open(path, true, swapToFifo(path)).channel().close());
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(e.getMessage().contains("is not a regular file"), e.getMessage());
        assertTrue(millis < BOUND_MILLIS, "a read-write open of a FIFO does not wait: " + millis + " ms");
        assertTrue(!holdsAFifo());
    }

    /**
     * A path flipped between an image and a FIFO by renames while read-only attaches run: each attach answers
     * (attached, or refused with a clear message) within the bound, and no unit name leaks.
     */
    @Test
    void attachesRacingASwapNeverHang() throws Exception {
        Path path = dir.resolve("flipping.qcow2");
        Path imageAside = dir.resolve("image.aside");
        Path fifoAside = dir.resolve("fifo.aside");
        Files.copy(image, imageAside);
        Files.move(fifo, fifoAside);
        AtomicBoolean stop = new AtomicBoolean();
        Thread flipper = new Thread(() -> {
            boolean toFifo = true;
            while (!stop.get()) {
                try {
                    Path temp = dir.resolve("flip.tmp");
                    Files.deleteIfExists(temp);
                    Files.createLink(temp, toFifo ? fifoAside : imageAside);
                    Files.move(temp, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                    toFifo = !toFifo;
                    Thread.sleep(0, 200_000);
                } catch (IOException | InterruptedException e) {
                    return;
                }
            }
        }, "flipper");
        flipper.start();
        int attached = 0;
        int refused = 0;
        try (DeviceTable table = new DeviceTable(DiskOpener.qcow2())) {
            for (int i = 0; i < 60; i++) {
                long start = System.nanoTime();
                try {
                    DeviceInfo device = table.attach(new AttachRequest(path.toString(), true, 0, null));
                    table.detach(device.unit(), false);
                    attached++;
                } catch (EngineException e) {
                    assertTrue(e.getMessage().contains("not a regular file") || e.getMessage().contains("replaced")
                            || e.getMessage().contains("no such file") || e.getMessage().contains("not a QCOW2"),
                            e.getMessage());
                    refused++;
                }
                long millis = (System.nanoTime() - start) / 1_000_000;
                assertTrue(millis < BOUND_MILLIS + 2000, "attach " + i + " answered in " + millis + " ms");
            }
            stop.set(true);
            flipper.join();
            Files.move(imageAside, path, StandardCopyOption.REPLACE_EXISTING);
            DeviceInfo last = table.attach(new AttachRequest(path.toString(), true, 0, null));
            assertEquals("qcow0", last.unit(), "no unit name leaked by the refused attaches");
        }
        assertTrue(attached + refused == 60 && refused > 0, attached + " attached, " + refused + " refused");
    }
}
