package qcowdesk.engine.qcow2.tools;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import qcowdesk.engine.EngineException;
import qcowdesk.engine.ErrorCode;
import qcowdesk.engine.qcow2.OpenOptions;
import qcowdesk.engine.qcow2.Qcow2Image;
import qcowdesk.testkit.Qemu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Damaged images that MutatedImageProperties found escaping with other exceptions than the engine's own. */
class FuzzFindingsTest {

    @TempDir
    Path dir;

    /** A refcount table entry with bit 63 set: a negative offset as a long, once handed to a positional read. */
    @Test
    void aRefcountBlockOffsetWithTheTopBitSetIsCorruptionNotACrash() throws Exception {
        Path image = dir.resolve("c512.qcow2");
        Qemu.create(image, "cluster_size=512", 1 << 20);
        Qemu.io("qcow2", image, "write -P 0x11 0 64k");
        long reftable = longAt(image, 48);
        putByte(image, reftable, (byte) 0xff);
        CheckReport check = ImageChecker.check(image, ProgressListener.NONE);
        assertTrue(!check.isClean(), "the damage went unnoticed");
    }

    /** A backing file name with a NUL byte is no path: refused as a damaged image. */
    @Test
    void aBackingFileNameWithANulByteIsRefusedAsDamage() throws Exception {
        Path image = dir.resolve("nul.qcow2");
        Qemu.create(image, "cluster_size=65536", 1 << 20);
        ByteBuffer header = ByteBuffer.allocate(12).putLong(512).putInt(1).flip();
        try (FileChannel ch = FileChannel.open(image, StandardOpenOption.WRITE)) {
            ch.write(header, 8); // backing_file_offset = 512, backing_file_size = 1; byte 512 is 0
        }
        EngineException e = assertThrows(EngineException.class,
                () -> Qcow2Image.open(image, OpenOptions.readOnly()).close());
        assertEquals(ErrorCode.INVALID_IMAGE, e.code(), e.getMessage());
        assertTrue(e.getMessage().contains("not a valid path"), e.getMessage());
    }

    private static long longAt(Path image, long at) throws Exception {
        try (FileChannel ch = FileChannel.open(image, StandardOpenOption.READ)) {
            ByteBuffer b = ByteBuffer.allocate(8);
            ch.read(b, at);
            return b.getLong(0);
        }
    }

    private static void putByte(Path image, long at, byte value) throws Exception {
        try (FileChannel ch = FileChannel.open(image, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(new byte[] {value}), at);
        }
    }
}
