package qcowdesk.engine.qcow2.tools;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import qcowdesk.engine.MapEntry;
import qcowdesk.engine.testing.QemuMap;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ImageMapperTest {

    /**
     * Where qemu-img map reports what the host file system says rather than what the image says: allocated host
     * ranges that are holes in the file read as "zero" (preallocated metadata, holes of a raw backing file). Java
     * cannot ask the file system for holes (no SEEK_HOLE), so for these images qemu's answer is normalised first:
     * a file-system hole inside an allocated range counts as data, and the raw layer at the given depth is data.
     */
    private static final Map<String, Integer> HOST_SPARSENESS = Map.of(
            "v2-prealloc-metadata", -1, "v3-prealloc-metadata", -1, "backing-raw", 1, "backing-chain3", 2,
            // qemu writes only the touched subclusters of a new cluster at the end of the file: holes in between
            "v3-extl2-c16k", -1, "v3-extl2-c64k", -1, "v3-extl2-c2M", -1,
            // qemu's copy-on-write of snapshot-shared clusters leaves the zero parts as file holes
            "v3-snapshots-bitmaps", -1);

    static List<Corpus.Image> images() {
        return Corpus.shared().images();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("images")
    void equalsQemuImgMapJson(Corpus.Image image) throws Exception {
        List<MapEntry> qemu = QemuMap.of(image.path());
        Integer rawDepth = HOST_SPARSENESS.get(image.name());
        if (rawDepth != null) {
            qemu = ImageMapper.merge(withoutHostSparseness(qemu, rawDepth));
        }
        List<MapEntry> ours = ImageMapper.map(image.path(), ProgressListener.NONE);
        // qemu-img 7.2 does not report "compressed"; compare everything else it says.
        assertEquals(withoutCompressed(qemu), withoutCompressed(ours), image.name());
    }

    private static List<MapEntry> withoutHostSparseness(List<MapEntry> qemu, int rawDepth) {
        List<MapEntry> out = new ArrayList<>();
        for (MapEntry e : qemu) {
            boolean fileHole = e.hostOffset() != MapEntry.NO_OFFSET && e.zero()
                    && (e.data() || e.depth() == rawDepth);
            out.add(fileHole ? new MapEntry(e.start(), e.length(), e.depth(), e.present(), false, true,
                    e.compressed(), e.hostOffset()) : e);
        }
        return out;
    }

    @Test
    void compressedClustersAreMarkedWithoutHostOffset() throws Exception {
        List<MapEntry> map = ImageMapper.map(Corpus.shared().get("v3-compressed-deflate").path(),
                ProgressListener.NONE);
        assertTrue(map.stream().anyMatch(MapEntry::compressed), map.toString());
        for (MapEntry e : map) {
            if (e.compressed()) {
                assertEquals(MapEntry.NO_OFFSET, e.hostOffset());
                assertTrue(e.data());
            }
        }
    }

    @Test
    void mergeJoinsOnlyContiguousEqualEntries() {
        MapEntry a = new MapEntry(0, 512, 0, true, false, true, false, 4096);
        MapEntry contiguous = new MapEntry(512, 512, 0, true, false, true, false, 4608);
        MapEntry jump = new MapEntry(1024, 512, 0, true, false, true, false, 65536);
        MapEntry hole = new MapEntry(1536, 512, 0, false, true, false, false, MapEntry.NO_OFFSET);
        MapEntry hole2 = new MapEntry(2048, 512, 0, false, true, false, false, MapEntry.NO_OFFSET);
        MapEntry deeper = new MapEntry(2560, 512, 1, false, true, false, false, MapEntry.NO_OFFSET);
        List<MapEntry> merged = ImageMapper.merge(List.of(a, contiguous, jump, hole, hole2, deeper));
        assertEquals(List.of(new MapEntry(0, 1024, 0, true, false, true, false, 4096), jump,
                new MapEntry(1536, 1024, 0, false, true, false, false, MapEntry.NO_OFFSET), deeper), merged);
        assertFalse(ImageMapper.mergeable(hole,
                new MapEntry(2048, 512, 0, false, true, false, true, MapEntry.NO_OFFSET)));
    }

    private static List<MapEntry> withoutCompressed(List<MapEntry> entries) {
        List<MapEntry> out = new ArrayList<>();
        for (MapEntry e : entries) {
            out.add(new MapEntry(e.start(), e.length(), e.depth(), e.present(), e.zero(), e.data(), false,
                    e.hostOffset()));
        }
        return out;
    }
}
