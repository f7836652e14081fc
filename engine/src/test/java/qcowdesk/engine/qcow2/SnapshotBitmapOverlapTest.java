package qcowdesk.engine.qcow2;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import qcowdesk.engine.EngineException;
import qcowdesk.engine.ErrorCode;
import qcowdesk.engine.qcow2.format.BitmapDirectory;
import qcowdesk.engine.qcow2.format.L1Entry;
import qcowdesk.engine.qcow2.format.Qcow2Header;
import qcowdesk.engine.qcow2.format.SnapshotTable;
import qcowdesk.testkit.Peers;
import qcowdesk.testkit.Qemu;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The overlap check covers internal snapshots (their table, L1 and L2 tables) and persistent bitmaps (directory,
 * tables, data clusters): crafted images whose data or tables land on them are refused, at open or at the write,
 * and the metadata stays exactly as it was. Where QEMU refuses the same file, the test checks that it does
 * ("Preventing invalid write on metadata"); its default check ignores snapshots' L2 tables and it has none for
 * bitmap tables and bitmap data, so there a crafted write gets through qemu-io and ruins the snapshot or bitmap.
 */
class SnapshotBitmapOverlapTest {

    private static final int CLUSTER = 64 << 10;

    @TempDir
    Path dir;

    /** A 1 MiB image with snapshot s1 taken over data at 0 and 512 KiB, then cluster 0 rewritten (L2 copied). */
    private Path withSnapshot() throws IOException {
        Path image = dir.resolve("snap.qcow2");
        Qemu.create(image, "cluster_size=65536", 1 << 20);
        Qemu.io("qcow2", image, "write -P 0x5a 0 64k", "write -P 0x6b 512k 64k");
        Qemu.img("snapshot", "-c", "s1", image.toString());
        Qemu.io("qcow2", image, "write -P 0x11 0 64k");
        return image;
    }

    /** A 1 MiB image with persistent bitmap b0 that recorded a write (so it has a data cluster). */
    private Path withBitmap() throws IOException {
        Path image = dir.resolve("bitmap.qcow2");
        Qemu.create(image, "cluster_size=65536", 1 << 20);
        Qemu.io("qcow2", image, "write -P 0x5a 0 64k");
        Qemu.img("bitmap", "--add", image.toString(), "b0");
        Qemu.io("qcow2", image, "write -P 0x6b 512k 64k");
        return image;
    }

    private static Qcow2Header header(Path image) throws IOException {
        try (FileChannel ch = FileChannel.open(image, StandardOpenOption.READ)) {
            return HeaderFile.read(ch);
        }
    }

    private static SnapshotTable.Snapshot snapshot(Path image) throws IOException {
        try (FileChannel ch = FileChannel.open(image, StandardOpenOption.READ)) {
            return SnapshotTableReader.read(ch, HeaderFile.read(ch)).entries().get(0);
        }
    }

    private static BitmapDirectoryReader.Contents bitmaps(Path image) throws IOException {
        try (FileChannel ch = FileChannel.open(image, StandardOpenOption.READ)) {
            return BitmapDirectoryReader.read(ch, HeaderFile.read(ch));
        }
    }

    private static long activeL2(Path image) throws IOException {
        return L1Entry.offset(CraftedImages.longAt(image, header(image).l1TableOffset()));
    }

    /** Points guest cluster 0 (an allocated, COPIED data cluster) at {@code host}: its next write goes there. */
    private static void pointCluster0At(Path image, long host) throws IOException {
        CraftedImages.patchLong(image, activeL2(image), host | L1Entry.COPIED);
    }

    private static byte[] bytes(Path image, long offset, int length) throws IOException {
        try (FileChannel ch = FileChannel.open(image, StandardOpenOption.READ)) {
            ByteBuffer b = ByteBuffer.allocate(length);
            ch.read(b, offset);
            return b.array();
        }
    }

    private static ByteBuffer filled(int length, int value) {
        byte[] b = new byte[length];
        Arrays.fill(b, (byte) value);
        return ByteBuffer.wrap(b);
    }

    /** Opens writable, writes guest cluster 0: refused naming {@code what}; the host cluster keeps its bytes. */
    private static void assertDataWriteRefused(Path image, long host, String what) throws IOException {
        byte[] before = bytes(image, host, CLUSTER);
        try (Qcow2Image img = Qcow2Image.open(image, OpenOptions.readWrite())) {
            EngineException e = assertThrows(EngineException.class, () -> img.write(0, filled(4096, 0x77)));
            assertEquals(ErrorCode.INVALID_IMAGE, e.code(), e.getMessage());
            assertTrue(e.getMessage().contains("refusing to write guest data")
                    && e.getMessage().contains("it would overwrite " + what), e.getMessage());
        }
        assertArrayEquals(before, bytes(image, host, CLUSTER), what + " is left as it was");
    }

    /** qemu-io, with every overlap check QEMU has, refuses the same write on a copy of the file. */
    private void assertQemuRefuses(Path image, String qemuWords) throws IOException {
        Path copy = Files.copy(image, dir.resolve("qemu-" + image.getFileName()), StandardCopyOption.REPLACE_EXISTING);
        Peers.Result r = Peers.run("qemu-io", "-c", "open -o overlap-check=all " + copy, "-c",
                "write -P 0x77 0 4k");
        assertTrue(r.stderr().contains("Preventing invalid write on metadata (overlaps with " + qemuWords + ")"),
                r.stdout() + r.stderr());
    }

    /** A writable open is refused as corrupt naming {@code words}, the file untouched; read-only still reads. */
    private static void assertWritableOpenRefused(Path image, String... words) throws IOException {
        byte[] before = Files.readAllBytes(image);
        EngineException e = assertThrows(EngineException.class,
                () -> Qcow2Image.open(image, OpenOptions.readWrite()).close());
        assertEquals(ErrorCode.INVALID_IMAGE, e.code(), e.getMessage());
        assertTrue(e.getMessage().contains("not opened for writing"), e.getMessage());
        for (String word : words) {
            assertTrue(e.getMessage().contains(word), e.getMessage());
        }
        assertArrayEquals(before, Files.readAllBytes(image), "the crafted image is left untouched");
        try (Qcow2Image img = Qcow2Image.open(image, OpenOptions.readOnly())) {
            img.read(0, ByteBuffer.allocate(4096));
        }
    }

    // ----- guest data written over snapshot and bitmap metadata (caught at the write) --------------------------

    @Test
    void dataOnTheSnapshotTableIsRefused() throws IOException {
        Path image = withSnapshot();
        long table = header(image).snapshotsOffset();
        pointCluster0At(image, table);
        assertQemuRefuses(image, "snapshot table");
        assertDataWriteRefused(image, table, "the snapshot table");
        assertEquals("s1", snapshot(image).name(), "the snapshot table still reads");
    }

    @Test
    void dataOnASnapshotsL1TableIsRefused() throws IOException {
        Path image = withSnapshot();
        long l1 = snapshot(image).l1TableOffset();
        pointCluster0At(image, l1);
        assertQemuRefuses(image, "inactive L1 table");
        assertDataWriteRefused(image, l1, "the L1 table of an internal snapshot");
    }

    /** QEMU's default check (overlap-check=cached) lets this one through and the snapshot's disk changes. */
    @Test
    void dataOnASnapshotsL2TableIsRefused() throws IOException {
        Path image = withSnapshot();
        long l2 = L1Entry.offset(CraftedImages.longAt(image, snapshot(image).l1TableOffset()));
        pointCluster0At(image, l2);
        assertQemuRefuses(image, "inactive L2 table");
        assertDataWriteRefused(image, l2, "an L2 table of an internal snapshot");
    }

    @Test
    void dataOnTheBitmapDirectoryIsRefused() throws IOException {
        Path image = withBitmap();
        long directory = bitmaps(image).directoryOffset();
        pointCluster0At(image, directory);
        assertQemuRefuses(image, "bitmap directory");
        assertDataWriteRefused(image, directory, "the bitmap directory");
    }

    /** QEMU has no overlap check for bitmap tables: qemu-io writes guest data over it. */
    @Test
    void dataOnABitmapTableIsRefused() throws IOException {
        Path image = withBitmap();
        long table = bitmaps(image).entries().get(0).tableOffset();
        pointCluster0At(image, table);
        assertDataWriteRefused(image, table, "a bitmap table");
    }

    @Test
    void dataOnABitmapsDataClusterIsRefused() throws IOException {
        Path image = withBitmap();
        long table = bitmaps(image).entries().get(0).tableOffset();
        long data = CraftedImages.longAt(image, table) & BitmapDirectory.TABLE_ENTRY_OFFSET_MASK;
        assertTrue(data > 0, "the bitmap recorded a write");
        pointCluster0At(image, data);
        assertDataWriteRefused(image, data, "a bitmap's data cluster");
    }

    /**
     * An L2 table shared with a snapshot (refcount 2) whose L1 entry claims COPIED: the write would change the
     * snapshot's disk in place, so it is refused. QEMU's default check writes it (qemu-img check then reports
     * "OFLAG_COPIED L2 cluster ... refcount=2").
     */
    @Test
    void aSharedL2TableMarkedCopiedIsNotWrittenInPlace() throws IOException {
        Path image = dir.resolve("shared.qcow2");
        Qemu.create(image, "cluster_size=65536", 1 << 20);
        Qemu.io("qcow2", image, "write -P 0x5a 0 64k");
        Qemu.img("snapshot", "-c", "s1", image.toString());
        long l1 = header(image).l1TableOffset();
        long shared = L1Entry.offset(CraftedImages.longAt(image, l1));
        assertEquals(shared, L1Entry.offset(CraftedImages.longAt(image, snapshot(image).l1TableOffset())));
        CraftedImages.patchLong(image, l1, shared | L1Entry.COPIED);
        byte[] before = bytes(image, shared, CLUSTER);
        Qcow2Image img = Qcow2Image.open(image, OpenOptions.readWrite());
        EngineException e = assertThrows(EngineException.class, () -> {
            img.write(128 << 10, filled(4096, 0x77));
            img.flush();
        });
        assertTrue(e.getMessage().contains("refusing to write an L2 table")
                && e.getMessage().contains("an L2 table of an internal snapshot"), e.getMessage());
        // The refused table stays dirty in the cache: closing reports the refusal again, and still closes the file.
        assertThrows(EngineException.class, img::close);
        assertArrayEquals(before, bytes(image, shared, CLUSTER), "the snapshot's L2 table is unchanged");
    }

    // ----- tables placed on snapshot and bitmap metadata (caught at open) --------------------------------------

    @Test
    void anL2TableOnTheSnapshotTableIsRefusedAtOpen() throws IOException {
        Path image = withSnapshot();
        Qcow2Header h = header(image);
        CraftedImages.patchLong(image, h.l1TableOffset(), h.snapshotsOffset() | L1Entry.COPIED);
        assertWritableOpenRefused(image, "an L2 table", "the snapshot table", "overlaps");
    }

    @Test
    void aSnapshotsL2TableOnTheRefcountTableIsRefusedAtOpen() throws IOException {
        Path image = withSnapshot();
        CraftedImages.patchLong(image, snapshot(image).l1TableOffset(), header(image).refcountTableOffset());
        assertWritableOpenRefused(image, "an L2 table of an internal snapshot", "overlaps the refcount table");
    }

    @Test
    void aSnapshotsL1TablePastTheEndIsRefusedAtOpen() throws IOException {
        Path image = withSnapshot();
        // The first 8 bytes of the snapshot's table entry: its L1 table's offset.
        CraftedImages.patchLong(image, header(image).snapshotsOffset(), 1L << 40);
        assertWritableOpenRefused(image, "the L1 table of snapshot 's1'", "past the end of the file");
    }

    @Test
    void aSnapshotsL1TableOnTheActiveL1TableIsRefusedAtOpen() throws IOException {
        Path image = withSnapshot();
        CraftedImages.patchLong(image, header(image).snapshotsOffset(), header(image).l1TableOffset());
        assertWritableOpenRefused(image, "the L1 table of an internal snapshot", "overlaps the L1 table");
    }

    @Test
    void aBitmapTableOnARefcountBlockIsRefusedAtOpen() throws IOException {
        Path image = withBitmap();
        long refblock = CraftedImages.longAt(image, header(image).refcountTableOffset());
        // The first 8 bytes of the bitmap's directory entry: its table's offset.
        CraftedImages.patchLong(image, bitmaps(image).directoryOffset(), refblock);
        assertWritableOpenRefused(image, "a refcount block", "a bitmap table");
    }

    // ----- sound images are not refused -----------------------------------------------------------------------

    /** Two snapshots sharing L2 tables with each other and the active disk: writes go on, nothing is hurt. */
    @Test
    void imagesWithSnapshotsAndBitmapsStayWritable() throws IOException {
        Path image = withSnapshot();
        Qemu.img("snapshot", "-c", "s2", image.toString());
        Qemu.img("bitmap", "--add", image.toString(), "b0");
        Qemu.io("qcow2", image, "write -P 0x22 256k 64k");
        try (Qcow2Image img = Qcow2Image.open(image, OpenOptions.readWrite())) {
            img.write(0, filled(CLUSTER, 0x33));
            img.write(512 << 10, filled(4096, 0x44));
            img.write(768 << 10, filled(CLUSTER, 0x55));
        }
        Qemu.checkNoCorruption(image);
        // A writer that keeps no bitmaps clears their autoclear bit, as QEMU asks: qemu-io warns that the bitmaps
        // are stale, so its output is checked here rather than required to be silent.
        Peers.Result read = Peers.ok("qemu-io", "-c", "read -P 0x33 0 64k", "-c", "read -P 0x44 512k 4k", "-c",
                "read -P 0x55 768k 64k", image.toString());
        assertTrue(!read.stdout().contains("fail") && read.stdout().contains("read 65536/65536 bytes at offset 786432"),
                read.stdout());
        Path s1 = dir.resolve("s1.raw");
        Qemu.img("convert", "-l", "s1", "-O", "raw", image.toString(), s1.toString());
        Qemu.io("raw", s1, "read -P 0x5a 0 64k", "read -P 0x6b 512k 64k", "read -P 0 256k 64k");
        assertEquals(List.of("s1", "s2"), snapshotNames(image));
    }

    private static List<String> snapshotNames(Path image) throws IOException {
        try (FileChannel ch = FileChannel.open(image, StandardOpenOption.READ)) {
            return SnapshotTableReader.read(ch, HeaderFile.read(ch)).entries().stream()
                    .map(SnapshotTable.Snapshot::name).toList();
        }
    }
}
