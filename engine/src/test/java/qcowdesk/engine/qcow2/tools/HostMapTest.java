package qcowdesk.engine.qcow2.tools;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import qcowdesk.engine.MapEntry;
import qcowdesk.engine.testing.QemuMap;
import qcowdesk.testkit.Qemu;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HostMapTest {

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @MethodSource(Corpus.ALL)
    void classifiesEveryHostClusterConsistentlyWithQemu(Corpus.Image image) throws Exception {
        HostMap map = HostMap.of(image.path(), ProgressListener.NONE);
        long fileSize = Files.size(image.path());
        assertEquals(fileSize, map.fileSize());
        long at = 0;
        for (HostMap.HostExtent e : map.extents()) {
            assertEquals(at, e.offset(), "extents must tile the file");
            at = e.end();
        }
        assertEquals(fileSize, at);

        ImagePatcher.Geometry g = geometry(image.path());
        assertEquals(HostClusterKind.HEADER, map.kindAt(0));
        assertEquals(HostClusterKind.L1_TABLE, map.kindAt(g.l1Offset()));
        assertEquals(HostClusterKind.REFCOUNT_TABLE, map.kindAt(g.reftableOffset()));
        assertFalse(map.clusterCounts().containsKey(HostClusterKind.LEAKED), "qemu-img check finds no leaks here");

        if (!image.name().equals("external-data-file")) {
            // The host clusters qemu-img map reports for this layer are exactly our data clusters.
            TreeSet<Long> qemuData = new TreeSet<>();
            for (MapEntry e : QemuMap.of(image.path())) {
                if (e.depth() == 0 && e.hostOffset() != MapEntry.NO_OFFSET) {
                    for (long o = e.hostOffset(); o < e.hostOffset() + e.length(); o += map.clusterSize()) {
                        qemuData.add(o / map.clusterSize());
                    }
                }
            }
            TreeSet<Long> ours = new TreeSet<>();
            for (HostMap.HostExtent e : map.extents()) {
                if (e.kind() == HostClusterKind.DATA) {
                    for (long o = e.offset(); o < e.end(); o += map.clusterSize()) {
                        ours.add(o / map.clusterSize());
                    }
                }
            }
            if (image.name().contains("snapshots")) {
                // Snapshots keep data clusters that the active layer (all qemu-img map shows) no longer uses.
                assertTrue(ours.containsAll(qemuData), "every mapped cluster is data: " + qemuData + " vs " + ours);
            } else {
                assertEquals(qemuData, ours);
            }
        }
        if (image.name().contains("compressed")) {
            assertTrue(map.clusterCounts().getOrDefault(HostClusterKind.COMPRESSED_DATA, 0L) > 0);
        }
    }

    @Test
    void unreferencedClusterWithARefcountIsLeaked() throws Exception {
        Path image = ImagePatcher.copyOf(Corpus.shared().get("v3-c64k"), dir);
        HostMap before = HostMap.of(image, ProgressListener.NONE);
        long cluster = ImagePatcher.firstDataCluster(image);
        assertEquals(HostClusterKind.DATA, before.kindAt(cluster * 65536));
        ImagePatcher.clearL2Entry(image, 0);
        HostMap after = HostMap.of(image, ProgressListener.NONE);
        assertEquals(HostClusterKind.LEAKED, after.kindAt(cluster * 65536));
        assertEquals(1L, after.clusterCounts().get(HostClusterKind.LEAKED));
        assertEquals(Qemu.check(image).path("leaks").asLong(), after.clusterCounts().get(HostClusterKind.LEAKED));
    }

    @Test
    void discardedClustersBecomeFreeAndAllKindsAreCounted() throws Exception {
        Path image = dir.resolve("d.qcow2");
        Qemu.img("create", "-q", "-f", "qcow2", "-o", "cluster_size=4096", image.toString(), "1M");
        Qemu.io(image, "write -P 1 0 64k", "write -P 2 64k 4k");
        Qemu.io(image, "discard 0 32k");
        Map<HostClusterKind, Long> counts = HostMap.of(image, ProgressListener.NONE).clusterCounts();
        assertEquals(8L, counts.get(HostClusterKind.FREE));
        assertEquals(9L, counts.get(HostClusterKind.DATA));
        assertEquals(1L, counts.get(HostClusterKind.L2_TABLE));
        assertEquals(1L, counts.get(HostClusterKind.HEADER));
    }

    @Test
    void bitmapsAndSnapshotsHaveTheirOwnClusters() throws Exception {
        Map<HostClusterKind, Long> counts = HostMap.of(Corpus.shared().get("v3-snapshots-bitmaps").path(),
                ProgressListener.NONE).clusterCounts();
        assertTrue(counts.getOrDefault(HostClusterKind.BITMAP, 0L) > 0, counts.toString());
        assertTrue(counts.getOrDefault(HostClusterKind.SNAPSHOT_TABLE, 0L) > 0, counts.toString());
        assertTrue(counts.getOrDefault(HostClusterKind.L1_TABLE, 0L) >= 3, "active and two snapshot L1 tables");
    }

    private static ImagePatcher.Geometry geometry(Path image) throws Exception {
        try (var f = java.nio.channels.FileChannel.open(image)) {
            return ImagePatcher.Geometry.of(f);
        }
    }
}
