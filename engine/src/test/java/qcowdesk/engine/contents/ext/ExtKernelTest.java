package qcowdesk.engine.contents.ext;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import qcowdesk.engine.contents.io.ByteSource;
import qcowdesk.engine.contents.io.ContentsException;
import qcowdesk.engine.contents.DiskContents;
import qcowdesk.engine.contents.Disks;
import qcowdesk.engine.contents.fs.Extent;
import qcowdesk.engine.contents.fs.FileNode;
import qcowdesk.engine.contents.fs.Listing;
import qcowdesk.engine.contents.fs.TreeComparison;
import qcowdesk.engine.qcow2.Qcow2Image;
import qcowdesk.testkit.Peers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An ext4 written by the Linux kernel through a loop mount: a hashed directory of 20,000 files, files fragmented
 * into deep extent trees, deleted files, a 6 GiB sparse file, short and long symlinks, hard links. The image is
 * built once; then read through a GPT partition of a qcow2 and compared with the same filesystem mounted again.
 */
class ExtKernelTest {

    private static final long MIB = 1 << 20;
    private static final long GIB = 1L << 30;
    private static final String LONG_TARGET = "dir/".repeat(70) + "target";

    @TempDir
    static Path dir;
    static Path fsImage;
    static Path qcow2;
    static Path mount;

    @BeforeAll
    static void writeThroughTheKernel() throws IOException {
        fsImage = Disks.sparse(dir.resolve("kernel.fs"), 256 * MIB);
        Disks.sh(List.of("mke2fs"), "mke2fs -q -F -t ext4 -L kernel " + fsImage);
        mount = Files.createDirectories(dir.resolve("mnt"));
        Peers.require("mount");
        Peers.ok("mount", "-o", "loop", fsImage.toString(), mount.toString());
        try {
            Path many = Files.createDirectories(mount.resolve("many"));
            for (int i = 0; i < 20_000; i++) {
                Files.writeString(many.resolve(String.format("file-%05d", i)), Integer.toString(i));
            }
            interleavedAppends(mount.resolve("frag-a"), mount.resolve("frag-b"), 300);
            strided(mount.resolve("strided"), 3000);
            for (int i = 0; i < 40; i++) {
                Files.writeString(mount.resolve("temp-" + i), "x".repeat(5000 * i));
            }
            for (int i = 0; i < 40; i += 2) {
                Files.delete(mount.resolve("temp-" + i));
            }
            try (FileChannel ch = FileChannel.open(mount.resolve("sparse6g"), StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE)) {
                ch.write(ByteBuffer.wrap("head".getBytes()), 0);
                ch.write(ByteBuffer.wrap("past 4 GiB".getBytes()), 4 * GIB + 123);
                ch.write(ByteBuffer.wrap("tail".getBytes()), 6 * GIB - 4);
            }
            Files.createSymbolicLink(mount.resolve("short-link"), Path.of("frag-a"));
            Files.createSymbolicLink(mount.resolve("long-link"), Path.of(LONG_TARGET));
            Files.writeString(mount.resolve("linked"), "three names\n");
            Files.createLink(mount.resolve("linked-2"), mount.resolve("linked"));
            Files.createLink(mount.resolve("many/linked-3"), mount.resolve("linked"));
        } finally {
            Peers.ok("umount", mount.toString());
        }
        Path raw = Disks.sparse(dir.resolve("kernel.raw"), 260 * MIB);
        Disks.sfdisk(raw.toString(), "label: gpt\nstart=2048, size=256M, type=L\n");
        Disks.place(fsImage, raw, MIB);
        qcow2 = Disks.toQcow2(raw, dir.resolve("kernel.qcow2"));
        Files.delete(raw);
        Peers.ok("mount", "-o", "loop,ro", fsImage.toString(), mount.toString());
    }

    @AfterAll
    static void unmount() {
        if (mount != null) {
            Peers.run("umount", mount.toString());
        }
    }

    /** Two files grown a block at a time in turn, each append made durable, so their blocks interleave. */
    private static void interleavedAppends(Path a, Path b, int rounds) throws IOException {
        try (FileChannel ca = FileChannel.open(a, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
             FileChannel cb = FileChannel.open(b, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            byte[] block = new byte[4096];
            for (int i = 0; i < rounds; i++) {
                java.util.Arrays.fill(block, (byte) i);
                ca.write(ByteBuffer.wrap(block));
                ca.force(false);
                java.util.Arrays.fill(block, (byte) ~i);
                cb.write(ByteBuffer.wrap(block));
                cb.force(false);
            }
        }
    }

    /** Every other block written: each written block is an extent of its own, enough for a tree of depth 2. */
    private static void strided(Path file, int blocks) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            for (int i = 0; i < blocks; i++) {
                ch.write(ByteBuffer.wrap(("block " + i + "\n").getBytes()), i * 8192L);
            }
        }
    }

    private static ExtFileSystem open(Qcow2Image image) throws IOException {
        return (ExtFileSystem) DiskContents.read(image, 512).volume(1).open();
    }

    @Test
    void everythingButTheSparseGiantMatchesTheMountedTree() throws IOException {
        try (Qcow2Image image = Disks.open(qcow2)) {
            ExtFileSystem fs = open(image);
            assertEquals("ext4", fs.type());
            int compared = new TreeComparison(fs, TreeComparison.Checks.ALL, Set.of("/lost+found", "/sparse6g"))
                    .compare(mount);
            assertTrue(compared >= 20_000 + 20, "compared " + compared);
            assertTrue(fs.warnings().isEmpty(), fs.warnings().toString());
        }
    }

    @Test
    void listingsMatchDebugfsIncludingTheHashedDirectory() throws IOException {
        try (Qcow2Image image = Disks.open(qcow2)) {
            ExtFileSystem fs = open(image);
            assertTrue(fs.inode(fs.lookup("/many").id()).has(Inode.FLAG_HTREE), "/many is hashed");
            DebugfsListing.assertSame(fsImage, fs, "/");
            DebugfsListing.assertSame(fsImage, fs, "/many");
            Set<String> names = TreeComparison.names(fs, fs.root());
            assertFalse(names.contains("temp-0"), "deleted files are not listed");
            assertTrue(names.contains("temp-1"));
        }
    }

    @Test
    void deepExtentTreesAndSymlinks() throws IOException {
        try (Qcow2Image image = Disks.open(qcow2)) {
            ExtFileSystem fs = open(image);
            FileNode strided = fs.lookup("/strided");
            byte[] root = fs.inode(strided.id()).iBlock();
            assertTrue(qcowdesk.engine.contents.io.Le.u16(root, 6) >= 2, "extent tree depth "
                    + qcowdesk.engine.contents.io.Le.u16(root, 6));
            List<Extent> extents = new ArrayList<>();
            fs.extents(strided, extents::add);
            assertEquals(3000, extents.size());
            List<Extent> frag = new ArrayList<>();
            fs.extents(fs.lookup("/frag-a"), frag::add);
            assertTrue(frag.size() > 4, "frag-a has " + frag.size() + " extents: its tree has index nodes");
            assertEquals(LONG_TARGET, fs.readLink(fs.lookup("/long-link")));
            assertEquals("frag-a", fs.readLink(fs.lookup("/short-link")));
        }
    }

    @Test
    void theSixGibSparseFileReadsHolesAsZerosWithoutReadingTheDisk() throws IOException {
        try (Qcow2Image image = Disks.open(qcow2)) {
            AtomicLong diskBytes = new AtomicLong();
            ByteSource counting = counting(ByteSource.of(image), diskBytes);
            ExtFileSystem fs = (ExtFileSystem) DiskContents.read(counting, 512).volume(1).open();
            FileNode sparse = fs.lookup("/sparse6g");
            assertEquals(6 * GIB, sparse.size());
            List<Extent> extents = new ArrayList<>();
            fs.extents(sparse, extents::add);
            assertEquals(3, extents.size(), extents.toString());
            assertEquals("past 4 GiB", read(fs, sparse, 4 * GIB + 123, 10));
            assertEquals("tail", read(fs, sparse, 6 * GIB - 4, 4));
            assertEquals("head", read(fs, sparse, 0, 4));
            long before = diskBytes.get();
            ByteBuffer hole = ByteBuffer.allocate(64 << 20);
            assertEquals(hole.capacity(), fs.read(sparse, GIB, hole));
            assertArrayEquals(new byte[hole.capacity()], hole.array());
            assertTrue(diskBytes.get() - before < 64 * 1024, "a 64 MiB hole read "
                    + (diskBytes.get() - before) + " bytes of disk");
        }
    }

    @Test
    void aBrokenExtentTreeFailsThatFileOnlyAndALoopIsCaught() throws IOException {
        Path copy = dir.resolve("broken.fs");
        Files.copy(fsImage, copy);
        ExtFileSystem clean = ExtFileSystem.open(Disks.rawFile(copy));
        FileNode strided = clean.lookup("/strided");
        List<Extent> index = new ArrayList<>();
        clean.metadataOf(strided, index::add);
        long node = index.get(0).volumeOffset();   // a depth-1 index node: point its first entry back at itself
        long block = node / clean.blockSize();
        try (FileChannel ch = FileChannel.open(copy, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(new byte[] {(byte) block, (byte) (block >> 8), (byte) (block >> 16),
                    (byte) (block >> 24)}), node + 12 + 4);
        }
        Peers.ok("debugfs", "-w", "-R", "sif /frag-b block[0] 0", copy.toString());
        ExtFileSystem broken = ExtFileSystem.open(Disks.rawFile(copy));
        ContentsException loop = assertThrows(ContentsException.class,
                () -> broken.extents(broken.lookup("/strided"), e -> { }));
        assertTrue(loop.getMessage().contains("depth 1, expected 0")
                || loop.getMessage().contains("reached twice"), loop.getMessage());
        ContentsException magic = assertThrows(ContentsException.class,
                () -> broken.read(broken.lookup("/frag-b"), 0, ByteBuffer.allocate(10)));
        assertTrue(magic.getMessage().contains("no extent header magic"), magic.getMessage());
        Listing root = broken.list(broken.root());
        assertTrue(root.errors().isEmpty());
        assertEquals("three names\n", read(broken, broken.lookup("/linked"), 0, 12));
    }

    @Test
    void aJournalThatNeedsRecoveryIsReported() throws IOException {
        Path copy = dir.resolve("recover.fs");
        Files.copy(fsImage, copy);
        Peers.ok("debugfs", "-w", "-R", "feature needs_recovery", copy.toString());
        ExtFileSystem fs = ExtFileSystem.open(Disks.rawFile(copy));
        assertEquals(1, fs.warnings().size());
        assertTrue(fs.warnings().get(0).startsWith("the journal holds changes"), fs.warnings().toString());
        assertEquals("three names\n", read(fs, fs.lookup("/linked"), 0, 12));
    }

    private static String read(ExtFileSystem fs, FileNode node, long offset, int length) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(length);
        fs.read(node, offset, b);
        return new String(b.array(), StandardCharsets.UTF_8);
    }

    private static ByteSource counting(ByteSource inner, AtomicLong bytes) {
        return new ByteSource() {
            @Override
            public long size() {
                return inner.size();
            }

            @Override
            public void readRaw(long offset, ByteBuffer dst) throws IOException {
                bytes.addAndGet(dst.remaining());
                inner.readRaw(offset, dst);
            }

            @Override
            public long diskOffset() {
                return 0;
            }
        };
    }
}
