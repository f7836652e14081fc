package qcowdesk.engine.contents.fat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import qcowdesk.engine.contents.DiskContents;
import qcowdesk.engine.contents.Disks;
import qcowdesk.engine.contents.Volume;
import qcowdesk.engine.contents.fs.FileNode;
import qcowdesk.engine.contents.fs.FileSystemReader;
import qcowdesk.engine.contents.fs.Listing;
import qcowdesk.engine.contents.fs.TreeComparison;
import qcowdesk.engine.qcow2.Qcow2Image;
import qcowdesk.testkit.Peers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * FAT12, FAT16 and FAT32 volumes made by mkfs.vfat and filled by mcopy, as three partitions of one DOS disk in a
 * compressed qcow2: every file byte-identical to the tree, long names as mtools wrote them, paths as mdir lists
 * them.
 */
class FatReaderTest {

    private static final long MIB = 1 << 20;

    @TempDir
    static Path dir;
    static Path tree;
    static Path qcow2;
    static final List<Path> VOLUMES = new ArrayList<>();

    @BeforeAll
    static void makeDisk() throws IOException {
        tree = Files.createDirectories(dir.resolve("tree"));
        Random random = new Random(12);
        for (int size : new int[] {0, 1, 511, 512, 513, 2048, 4097, 100_000, 1 << 20}) {
            byte[] b = new byte[size];
            random.nextBytes(b);
            Files.write(tree.resolve("file " + size + ".bin"), b);
        }
        Files.writeString(tree.resolve("a.txt"), "lower-case short name\n");
        Files.writeString(tree.resolve("README"), "upper-case short name\n");
        Files.writeString(tree.resolve("A very long file name that needs several VFAT entries.text"), "long\n");
        Files.writeString(tree.resolve("Ünïcødé naïve.txt"), "unicode\n");
        Path deep = Files.createDirectories(tree.resolve("Sub Dir/nested/deeper"));
        Files.writeString(deep.resolve("bottom.txt"), "bottom\n");
        Path many = Files.createDirectories(tree.resolve("many"));
        for (int i = 0; i < 300; i++) {
            Files.writeString(many.resolve("entry number " + i + ".txt"), "#" + i);
        }
        long[] sizes = {4, 20, 40};
        Path raw = Disks.sparse(dir.resolve("fat.raw"), 70 * MIB);
        Disks.sfdisk(raw.toString(), "label: dos\nstart=2048, size=4M, type=1\nsize=20M, type=6\nsize=40M, type=c\n");
        long offset = MIB;
        int[] bits = {12, 16, 32};
        for (int i = 0; i < 3; i++) {
            Path v = Disks.sparse(dir.resolve("fat" + bits[i]), sizes[i] * MIB);
            Disks.sh(List.of("mkfs.vfat", "mcopy"), "mkfs.vfat -F " + bits[i] + " -n FAT" + bits[i] + " " + v
                    + " >/dev/null && mcopy -s -m -i " + v + " " + tree + "/* ::");
            Disks.place(v, raw, offset);
            VOLUMES.add(v);
            offset += sizes[i] * MIB;
        }
        qcow2 = Disks.toQcow2(raw, dir.resolve("fat.qcow2"), "-c");
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3})
    void everyFileReadsBackIdenticalAndPathsMatchMdir(int partition) throws IOException {
        try (Qcow2Image image = Disks.open(qcow2)) {
            Volume volume = DiskContents.read(image, 512).volume(partition);
            assertEquals("FAT" + (partition == 1 ? 12 : partition == 2 ? 16 : 32),
                    volume.fs().orElseThrow().version());
            FileSystemReader fs = volume.open();
            int compared = new TreeComparison(fs, TreeComparison.Checks.FAT, Set.of()).compare(tree);
            assertTrue(compared > 310, "compared " + compared);
            assertEquals(mdirPaths(VOLUMES.get(partition - 1)), ourPaths(fs, fs.root(), new TreeSet<>()));
        }
    }

    @Test
    void aDirectoryChainThatLoopsIsCutWithAnErrorAndTheRestStaysBrowsable() throws IOException {
        Path v = Disks.sparse(dir.resolve("loop.fat"), 20 * MIB);
        Disks.sh(List.of("mkfs.vfat", "mcopy"), "mkfs.vfat -F 16 -s 1 " + v + " >/dev/null && mcopy -s -i " + v
                + " " + tree + "/* ::");
        FatFileSystem clean = FatFileSystem.open(Disks.rawFile(v));
        FileNode many = clean.lookup("/many");
        FatBootSector boot = FatBootSector.read(Disks.rawFile(v));
        // the 300 entries span many clusters: point the second cluster of the chain back at the first
        long first = clusterOf(clean, many, boot, 0);
        long second = clusterOf(clean, many, boot, 1);
        byte[] entry = {(byte) first, (byte) (first >>> 8)};
        try (var ch = java.nio.channels.FileChannel.open(v, java.nio.file.StandardOpenOption.WRITE)) {
            ch.write(java.nio.ByteBuffer.wrap(entry), boot.fatOffset() + second * 2);
        }
        FatFileSystem broken = FatFileSystem.open(Disks.rawFile(v));
        Listing listing = broken.list(broken.lookup("/many"));
        assertFalse(listing.errors().isEmpty());
        assertTrue(listing.errors().get(0).message().contains("loops back to cluster " + first),
                listing.errors().toString());
        assertTrue(listing.entries().size() > 0 && listing.entries().size() < 300);
        assertEquals("bottom\n", readAll(broken, broken.lookup("/Sub Dir/nested/deeper/bottom.txt")));
    }

    private static long clusterOf(FatFileSystem fs, FileNode node, FatBootSector boot, int index) throws IOException {
        List<Long> clusters = new ArrayList<>();
        fs.extents(node, e -> {
            for (long at = e.volumeOffset(); at < e.volumeOffset() + e.length(); at += boot.clusterSize()) {
                clusters.add((at - boot.dataOffset()) / boot.clusterSize() + 2);
            }
        });
        return clusters.get(index);
    }

    private static String readAll(FileSystemReader fs, FileNode node) throws IOException {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate((int) node.size());
        fs.read(node, 0, b);
        return new String(b.array(), java.nio.charset.StandardCharsets.UTF_8);
    }

    private static Set<String> mdirPaths(Path volume) {
        Peers.require("mdir");
        Set<String> out = new TreeSet<>();
        for (String line : Peers.ok("mdir", "-/", "-b", "-i", volume.toString(), "::").stdout().split("\n")) {
            if (line.startsWith("::/")) {
                out.add(line.substring(2).replaceAll("/$", ""));
            }
        }
        return out;
    }

    private static Set<String> ourPaths(FileSystemReader fs, FileNode dir, Set<String> out) throws IOException {
        for (FileNode n : fs.list(dir).entries()) {
            out.add(n.path());
            if (n.isDirectory()) {
                ourPaths(fs, n, out);
            }
        }
        return out;
    }

}
