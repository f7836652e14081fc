package qcowdesk.cli.lifecycle;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import qcowdesk.engine.EngineException;
import qcowdesk.engine.qcow2.ops.RepairOnCopy;
import qcowdesk.engine.qcow2.tools.ProgressListener;
import qcowdesk.engine.qcow2.tools.RepairMode;
import qcowdesk.engine.qcow2.tools.RepairReport;
import qcowdesk.testkit.Peers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static qcowdesk.cli.lifecycle.LifecycleImages.checkClean;
import static qcowdesk.cli.lifecycle.LifecycleImages.create;
import static qcowdesk.cli.lifecycle.LifecycleImages.io;

/** Repair on a copy (the app's Repair): a copy is repaired and swapped in only when it checks clean. */
class RepairOnCopyTest {

    @TempDir
    Path dir;

    @Test
    void aRepairedCopyReplacesTheImageKeepingModeAndData() throws Exception {
        Path image = create(dir, "leaky.qcow2", "8M");
        io(image, "write -P 1 0 64k", "write -P 2 1M 64k");
        Path reference = Files.copy(image, dir.resolve("reference.qcow2"));
        io(reference, "write -z 0 64k");
        clearL2Entry(image, 0); // guest cluster 0's data cluster leaks
        Files.setPosixFilePermissions(image, PosixFilePermissions.fromString("rw-------"));
        Object inode = Files.getAttribute(image, "unix:ino");

        RepairReport report = RepairOnCopy.run(image, RepairMode.LEAKS, ProgressListener.NONE);
        assertEquals(1, report.leaksFixed());
        checkClean(image);
        Peers.ok("qemu-img", "compare", "-q", reference.toString(), image.toString());
        assertNotEquals(inode, Files.getAttribute(image, "unix:ino"), "the original was repaired in place");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(image)));
    }

    @Test
    void aCopyThatStaysBrokenLeavesTheOriginalAlone() throws Exception {
        Path image = create(dir, "broken.qcow2", "8M");
        io(image, "write -P 1 0 64k");
        // a refcount of 0 for a used data cluster: a corruption that leak repair does not fix
        try (FileChannel file = FileChannel.open(image, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long reftable = readLong(file, 48);
            long block = readLong(file, reftable);
            long l2 = readLong(file, readLong(file, 40) & 0x00fffffffffffe00L) & 0x00fffffffffffe00L;
            long data = readLong(file, l2) & 0x00fffffffffffe00L;
            file.write(ByteBuffer.allocate(2), block + 2 * (data >> 16));
        }
        byte[] before = Files.readAllBytes(image);
        EngineException e = assertThrows(EngineException.class,
                () -> RepairOnCopy.run(image, RepairMode.LEAKS, ProgressListener.NONE));
        assertEquals(true, e.getMessage().contains("left as it was"), e.getMessage());
        assertArrayEquals(before, Files.readAllBytes(image));
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count(), "the copy was left behind");
        }
    }

    private static void clearL2Entry(Path image, int index) throws Exception {
        try (FileChannel file = FileChannel.open(image, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long l2 = readLong(file, readLong(file, 40)) & 0x00fffffffffffe00L;
            file.write(ByteBuffer.allocate(8), l2 + 8L * index);
        }
    }

    private static long readLong(FileChannel file, long offset) throws Exception {
        ByteBuffer b = ByteBuffer.allocate(8);
        file.read(b, offset);
        return b.flip().getLong();
    }
}
