package qcowdesk.engine.contents.ext;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

import qcowdesk.engine.contents.DiskContents;
import qcowdesk.engine.contents.Disks;
import qcowdesk.engine.contents.Volume;
import qcowdesk.engine.contents.fs.FileNode;
import qcowdesk.engine.contents.fs.FileSystemReader;
import qcowdesk.engine.contents.fs.TreeComparison;
import qcowdesk.engine.qcow2.Qcow2Image;
import qcowdesk.testkit.Peers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * ext2/3/4 filesystems made by {@code mke2fs -d TREE} in every layout the reader must handle, placed in a GPT
 * partition, converted to qcow2 (plain, compressed, and as an overlay over a backing file), then read back: every
 * file byte-identical to the tree, every attribute the same, listings equal to debugfs's.
 */
class ExtMkfsTest {

    private static final long MIB = 1 << 20;
    private static final long PARTITION_START = MIB;

    @TempDir
    static Path dir;
    static Path tree;

    @BeforeAll
    static void makeTree() throws IOException {
        tree = Files.createDirectories(dir.resolve("tree"));
        Random random = new Random(10);
        Files.write(tree.resolve("empty"), new byte[0]);
        for (int size : new int[] {1, 59, 60, 61, 1023, 1024, 1025, 4095, 4096, 4097, 70_000, 3 << 20}) {
            byte[] b = new byte[size];
            random.nextBytes(b);
            Files.write(tree.resolve("file-" + size), b);
        }
        Path deep = Files.createDirectories(tree.resolve("a/b/c/d"));
        Files.writeString(deep.resolve("deep.txt"), "at the bottom\n");
        Files.writeString(tree.resolve("a/été ünïcødé.txt"), "non-ascii name\n");
        Files.createSymbolicLink(tree.resolve("short-link"), Path.of("file-1"));
        Files.createSymbolicLink(tree.resolve("long-link"), Path.of("a/b/c/d/" + "x".repeat(80) + "/../deep.txt"));
        Files.createSymbolicLink(tree.resolve("a/dangling"), Path.of("/nowhere/at/all"));
        Files.createLink(tree.resolve("hard-link"), tree.resolve("file-4097"));
        Path secret = tree.resolve("secret");
        Files.writeString(secret, "mode 0600\n");
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
        Peers.ok("chown", "1234:5678", secret.toString());
        Files.setLastModifiedTime(secret, FileTime.from(Instant.parse("2001-02-03T04:05:06Z")));
        Path many = Files.createDirectories(tree.resolve("many"));
        for (int i = 0; i < 400; i++) {
            Files.writeString(many.resolve("entry-with-a-longish-name-" + i), Integer.toString(i));
        }
        // a sparse file: data, a hole of 20 MiB, data again at the end
        try (var ch = java.nio.channels.FileChannel.open(tree.resolve("sparse"),
                java.nio.file.StandardOpenOption.CREATE_NEW, java.nio.file.StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap("start".getBytes()), 0);
            ch.write(ByteBuffer.wrap("end".getBytes()), 20 * MIB + 7);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"ext4", "ext4-1k", "ext3-blockmap", "ext2", "ext4-inline", "ext4-64bit-bigalloc-free"})
    void everyFileReadsBackIdentical(String variant) throws IOException {
        String options = switch (variant) {
            case "ext4" -> "-t ext4";
            case "ext4-1k" -> "-t ext4 -b 1024";
            case "ext3-blockmap" -> "-t ext3";
            case "ext2" -> "-t ext2";
            case "ext4-inline" -> "-t ext4 -O inline_data";
            default -> "-t ext4 -O 64bit,^resize_inode,meta_bg -G 4";
        };
        Path fs = Disks.sparse(dir.resolve(variant + ".fs"), 48 * MIB);
        Disks.sh(List.of("mke2fs"), "mke2fs -q -F " + options + " -L " + variant.substring(0, 4) + " -d " + tree
                + " " + fs);
        Path raw = Disks.sparse(dir.resolve(variant + ".raw"), 50 * MIB);
        Disks.sfdisk(raw.toString(), "label: gpt\nstart=2048, size=48M, type=L\n");
        Disks.place(fs, raw, PARTITION_START);
        Path qcow2 = switch (variant) {
            case "ext4-1k" -> Disks.toQcow2(raw, dir.resolve(variant + ".qcow2"), "-c");
            case "ext3-blockmap" -> overlay(raw, variant);
            default -> Disks.toQcow2(raw, dir.resolve(variant + ".qcow2"));
        };
        try (Qcow2Image image = Disks.open(qcow2)) {
            Volume volume = DiskContents.read(image, 512).volume(1);
            String expectedType = variant.startsWith("ext4") ? "ext4" : variant.substring(0, 4);
            assertEquals(expectedType, volume.fs().orElseThrow().type());
            FileSystemReader reader = volume.open();
            assertEquals(expectedType, reader.type());
            int compared = new TreeComparison(reader, TreeComparison.Checks.ALL, Set.of("/lost+found"))
                    .compare(tree);
            assertTrue(compared > 420, "compared " + compared);
            for (String d : List.of("/", "/a", "/many", "/a/b/c/d")) {
                DebugfsListing.assertSame(fs, reader, d);
            }
            assertTrue(reader.warnings().isEmpty(), reader.warnings().toString());
            FileNode sparse = reader.lookup("/sparse");
            long[] dataBytes = {0};
            reader.extents(sparse, e -> dataBytes[0] += e.length());
            assertTrue(dataBytes[0] <= 2 * reader.blockSize(), "the hole has no extents: " + dataBytes[0]);
        }
    }

    /** A base image holding the disk and an empty overlay over it: every read goes through the backing file. */
    private static Path overlay(Path raw, String variant) {
        Path base = Disks.toQcow2(raw, dir.resolve(variant + "-base.qcow2"));
        Path top = dir.resolve(variant + ".qcow2");
        Peers.ok("qemu-img", "create", "-q", "-f", "qcow2", "-b", base.getFileName().toString(), "-F", "qcow2",
                top.toString());
        return top;
    }
}
