package qcowdesk.engine.qcow2;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import qcowdesk.engine.EngineException;
import qcowdesk.engine.ErrorCode;
import qcowdesk.engine.qcow2.format.Qcow2Header;
import qcowdesk.testkit.Qemu;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Crafted images whose metadata regions overlap, or whose data lies past the end of the file: a writable open or
 * a write is refused with a specific error and the file is left exactly as it was (QEMU: "Preventing invalid
 * write on metadata"). Reading such an image read-only stays possible.
 */
class MetadataOverlapTest {

    private static final long COPIED = 1L << 63;

    @TempDir
    Path dir;

    private Path image;
    private long l1Offset;
    private long reftableOffset;
    private long refblockOffset;
    private long l2Offset;

    /** A 1 MiB image (64 KiB clusters) with guest data at 0 and at 512 KiB, its layout read from the header. */
    @BeforeEach
    void create() throws IOException {
        image = dir.resolve("crafted.qcow2");
        Qemu.create(image, "cluster_size=65536", 1 << 20);
        Qemu.io("qcow2", image, "write -P 0x5a 0 64k", "write -P 0x6b 512k 64k");
        l1Offset = longAt(40);
        reftableOffset = longAt(48);
        refblockOffset = longAt(reftableOffset);
        l2Offset = longAt(l1Offset) & 0x00ff_ffff_ffff_fe00L;
    }

    private long longAt(long offset) throws IOException {
        return CraftedImages.longAt(image, offset);
    }

    private void patch(long offset, long value) throws IOException {
        CraftedImages.patchLong(image, offset, value);
    }

    private void assertWritableOpenRefused(String... words) throws IOException {
        assertWritableOpenRefused(true, words);
    }

    private void assertWritableOpenRefused(boolean readable, String... words) throws IOException {
        byte[] before = Files.readAllBytes(image);
        EngineException e = assertThrows(EngineException.class, () -> {
            try (Qcow2Image img = Qcow2Image.open(image, OpenOptions.readWrite())) {
                img.write(256 << 10, ByteBuffer.wrap(filled(64 << 10, 0x77)));
                img.flush();
            }
        });
        assertEquals(ErrorCode.INVALID_IMAGE, e.code(), e.getMessage());
        for (String word : words) {
            assertTrue(e.getMessage().contains(word), e.getMessage());
        }
        assertArrayEquals(before, Files.readAllBytes(image), "the crafted image is left untouched");
        if (!readable) {
            return;
        }
        try (Qcow2Image img = Qcow2Image.open(image, OpenOptions.readOnly())) {
            img.read(0, ByteBuffer.allocate(4096));
        }
    }

    private static byte[] filled(int length, int value) {
        byte[] b = new byte[length];
        Arrays.fill(b, (byte) value);
        return b;
    }

    @Test
    void anL2TableOnTheRefcountTableIsRefused() throws IOException {
        patch(l1Offset, reftableOffset | COPIED);
        assertWritableOpenRefused("L2 table", "refcount table");
    }

    @Test
    void anL2TableOnARefcountBlockIsRefused() throws IOException {
        patch(l1Offset, refblockOffset | COPIED);
        assertWritableOpenRefused("L2 table", "refcount block");
    }

    @Test
    void aRefcountBlockOnTheRefcountTableItselfIsRefused() throws IOException {
        patch(reftableOffset, reftableOffset);
        assertWritableOpenRefused("refcount block", "refcount table");
    }

    @Test
    void anL2TablePastTheEndOfTheFileIsRefused() throws IOException {
        patch(l1Offset, (1L << 40) | COPIED);
        assertWritableOpenRefused(false, "L2 table", "past the end");
    }

    /**
     * The write-time check on its own (the open-time validation normally stops such images first): a cluster that
     * is a known L2 table and also the refcount table, or a refcount block, is not writable as an L2 table.
     */
    @Test
    void anL2TableThatIsAlsoOtherMetadataIsNotWritten() throws IOException {
        Qcow2Header header;
        try (FileChannel ch = FileChannel.open(image, StandardOpenOption.READ)) {
            header = HeaderFile.read(ch);
        }
        MetadataGuard guard = new MetadataGuard(header);
        guard.addRefcountBlock(refblockOffset);
        guard.addL2Table(l2Offset);
        guard.checkMetadata("an L2 table", l2Offset, true);
        for (long offset : new long[] {reftableOffset, refblockOffset, l1Offset}) {
            guard.addL2Table(offset);
            EngineException e = assertThrows(EngineException.class,
                    () -> guard.checkMetadata("an L2 table", offset, true));
            assertTrue(e.getMessage().contains("refusing to write an L2 table"), e.getMessage());
        }
    }

    @Test
    void aDataClusterPastTheEndOfTheFileIsNeverWritten() throws IOException {
        patch(l2Offset, (1L << 40) | COPIED);
        long size = Files.size(image);
        try (Qcow2Image img = Qcow2Image.open(image, OpenOptions.readWrite())) {
            EngineException e = assertThrows(EngineException.class,
                    () -> img.write(0, ByteBuffer.wrap(filled(4096, 0x77))));
            assertEquals(ErrorCode.INVALID_IMAGE, e.code());
            assertTrue(e.getMessage().contains("past the end"), e.getMessage());
        }
        assertEquals(size, Files.size(image), "the image chose no new size for the file");
    }

    /**
     * Reads too: a data cluster past the end of the file is corruption, not zeros (qemu-io 7.2 reads zeros from
     * this file), read-only and read-write, while the rest of the disk still reads.
     */
    @Test
    void aDataClusterPastTheEndOfTheFileIsNotRead() throws IOException {
        patch(l2Offset, (1L << 40) | COPIED);
        for (OpenOptions options : new OpenOptions[] {OpenOptions.readOnly(), OpenOptions.readWrite()}) {
            try (Qcow2Image img = Qcow2Image.open(image, options)) {
                EngineException e = assertThrows(EngineException.class, () -> img.read(0, ByteBuffer.allocate(512)));
                assertEquals(ErrorCode.INVALID_IMAGE, e.code());
                assertTrue(e.getMessage().contains("refusing to read guest data at host offset 0x10000000000")
                        && e.getMessage().contains("past the end of the image file"), e.getMessage());
                assertThrows(EngineException.class, () -> img.readReportingZeros(0, ByteBuffer.allocate(128 << 10)));
                ByteBuffer rest = ByteBuffer.allocate(64 << 10);
                img.read(512 << 10, rest);
                assertArrayEquals(filled(64 << 10, 0x6b), rest.array());
            }
        }
    }

    /** A compressed cluster whose data lies past the end of the file (qemu-io: "Input/output error"). */
    @Test
    void aCompressedClusterPastTheEndOfTheFileIsNotRead() throws IOException {
        Path compressed = dir.resolve("compressed.qcow2");
        Qemu.create(compressed, "cluster_size=65536", 1 << 20);
        Qemu.io("qcow2", compressed, "write -c -P 0x5a 0 64k");
        long l1 = CraftedImages.longAt(compressed, 40);
        long l2 = CraftedImages.longAt(compressed, l1) & 0x00ff_ffff_ffff_fe00L;
        long entry = CraftedImages.longAt(compressed, l2);
        assertEquals(1L << 62, entry & (3L << 62), "a compressed cluster");
        CraftedImages.patchLong(compressed, l2, (1L << 62) | (1L << 40));
        try (Qcow2Image img = Qcow2Image.open(compressed, OpenOptions.readOnly())) {
            EngineException e = assertThrows(EngineException.class, () -> img.read(0, ByteBuffer.allocate(512)));
            assertTrue(e.getMessage().contains("refusing to read a compressed cluster at host offset 0x10000000000"),
                    e.getMessage());
        }
    }
}
