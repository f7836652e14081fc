package qcowdesk.engine.contents.space;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import qcowdesk.engine.contents.DiskContents;
import qcowdesk.engine.contents.Disks;
import qcowdesk.engine.contents.Volume;
import qcowdesk.engine.contents.fs.FileSystemReader;
import qcowdesk.engine.qcow2.Qcow2Image;
import qcowdesk.engine.qcow2.tools.ProgressListener;
import qcowdesk.testkit.Peers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Clusters and the files in them, on an ext4 partition of a qcow2 image: a file's clusters are allocated where
 * qemu-img map says; a cluster names the file and offset, the inode table, or "outside every partition"; the space
 * report attributes the allocated clusters, including those a deleted file left allocated in the image.
 */
class SpaceTest {

    private static final long MIB = 1 << 20;

    @TempDir
    static Path dir;
    static Path qcow2;

    @BeforeAll
    static void makeImage() throws IOException {
        Path tree = Files.createDirectories(dir.resolve("tree/sub"));
        Random random = new Random(4);
        byte[] big = new byte[(int) (3 * MIB)];
        random.nextBytes(big);
        Files.write(dir.resolve("tree/big"), big);
        byte[] small = new byte[(int) MIB];
        random.nextBytes(small);
        Files.write(tree.resolve("small"), small);
        byte[] doomed = new byte[(int) (2 * MIB)];
        random.nextBytes(doomed);
        Files.write(dir.resolve("tree/doomed"), doomed);
        Path fs = Disks.sparse(dir.resolve("fs"), 32 * MIB);
        Disks.sh(List.of("mke2fs"), "mke2fs -q -F -t ext4 -d " + dir.resolve("tree") + " " + fs);
        Peers.ok("debugfs", "-w", "-R", "rm /doomed", fs.toString());
        Path raw = Disks.sparse(dir.resolve("raw"), 64 * MIB);
        Disks.sfdisk(raw.toString(), "label: gpt\nstart=2048, size=32M, type=L\n");
        Disks.place(fs, raw, MIB);
        Disks.sh(List.of("dd"), "printf 'beyond the partition' | dd of=" + raw + " bs=1 seek=" + 50 * MIB
                + " conv=notrunc status=none");
        qcow2 = Disks.toQcow2(raw, dir.resolve("space.qcow2"));
    }

    @Test
    void aFilesClustersAreWhereQemuImgMapHasData() throws IOException {
        try (Qcow2Image image = Disks.open(qcow2)) {
            DiskContents contents = DiskContents.read(image, 512);
            Volume v = contents.volume(1);
            FileSystemReader fs = v.open();
            List<long[]> ranges = FileClusters.guestRanges(v, fs, fs.lookup("/big"));
            assertEquals(3 * MIB, ranges.stream().mapToLong(r -> r[1] - r[0]).sum());
            JsonNode map = new ObjectMapper().readTree(Peers.ok("qemu-img", "map", "--output=json",
                    qcow2.toString()).stdout());
            for (long[] r : ranges) {
                assertTrue(covered(map, r[0], r[1]), "qemu-img map has data for " + r[0] + ".." + r[1]);
            }
            assertTrue(FileClusters.clusterRuns(ranges, image.clusterSize()).size() >= 1);
        }
    }

    private static boolean covered(JsonNode map, long start, long end) {
        long at = start;
        for (JsonNode e : map) {
            long s = e.get("start").asLong();
            long l = e.get("length").asLong();
            if (e.get("data").asBoolean() && s <= at && s + l > at) {
                at = s + l;
                if (at >= end) {
                    return true;
                }
            }
        }
        return false;
    }

    @Test
    void aClusterSaysWhatHoldsIt() throws IOException {
        try (Qcow2Image image = Disks.open(qcow2)) {
            DiskContents contents = DiskContents.read(image, 512);
            List<String> phases = new ArrayList<>();
            ClusterIndex index = ClusterIndex.build(contents, (phase, done, total) -> phases.add(phase));
            assertTrue(index.complete());
            assertTrue(index.problems().isEmpty(), index.problems().toString());
            assertTrue(phases.contains("indexing files on partition 1"));
            Volume v = contents.volume(1);
            FileSystemReader fs = v.open();
            long[] first = FileClusters.guestRanges(v, fs, fs.lookup("/sub/small")).get(0);
            Holder h = index.holders(first[0] + 5000, 1, 4).get(0);
            assertEquals(Holder.Kind.FILE, h.kind());
            assertEquals("/sub/small at offset 5000", h.describe());
            List<String> roles = new ArrayList<>();
            fs.regions(r -> roles.add(r.what() + "@" + r.volumeOffset()));
            String table = roles.stream().filter(s -> s.startsWith("ext4 inode table@")).findFirst().orElseThrow();
            long tableAt = MIB + Long.parseLong(table.substring(table.indexOf('@') + 1));
            assertEquals("ext4 inode table", index.holders(tableAt, 1, 1).get(0).describe());
            assertEquals("outside every partition", index.holders(50 * MIB, 1, 1).get(0).describe());
            assertEquals(Holder.Kind.PARTITION_TABLE, index.holders(512, 1, 1).get(0).kind());
        }
    }

    @Test
    void theSpaceReportAttributesAllocatedClustersIncludingFreeButAllocated() throws IOException {
        try (Qcow2Image image = Disks.open(qcow2)) {
            ClusterIndex index = ClusterIndex.build(DiskContents.read(image, 512), ProgressListener.NONE);
            SpaceReport report = SpaceReport.build(image, index, "/", 10);
            assertEquals(report.allocated(), report.inFiles() + report.inMetadata() + report.freeInFilesystem()
                    + report.other());
            // the files' 4 MiB and the directories' own blocks (1 KiB blocks: root, /sub, lost+found)
            assertTrue(report.inFiles() >= 4 * MIB && report.inFiles() < 4 * MIB + 64 * 1024, "" + report.inFiles());
            assertTrue(report.freeInFilesystem() >= 2 * MIB, "the deleted file's data is still stored: "
                    + report.freeInFilesystem());
            SpaceEntry top = report.entries().get(0);
            assertEquals(new SpaceEntry("/", true, report.inFiles()), top);
            assertEquals(new SpaceEntry("/big", false, 3 * MIB), report.entries().get(1));
            long subDir = 1024;   // /sub's own directory block
            assertTrue(report.entries().contains(new SpaceEntry("/sub", true, MIB + subDir)), report.toString());
            SpaceReport sub = SpaceReport.build(image, index, "/sub", 10);
            assertEquals(List.of(new SpaceEntry("/sub", true, MIB + subDir),
                    new SpaceEntry("/sub/small", false, MIB)), sub.entries());
        }
    }
}
