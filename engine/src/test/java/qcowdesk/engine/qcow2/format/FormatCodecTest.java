package qcowdesk.engine.qcow2.format;

import org.junit.jupiter.api.Test;
import qcowdesk.engine.EngineException;

import java.nio.ByteBuffer;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The pure codecs: values encode and decode back to themselves, and each rule is decided in one place. */
class FormatCodecTest {

    private static Qcow2Header header(List<HeaderExtension> extensions) {
        return Qcow2Header.forNewImage(3, 16, 1 << 30, 16, 3 << 16, 1 << 16, 1, 0, 0, 4, extensions, "base.qcow2");
    }

    @Test
    void headersThatDifferOnlyInAnExtensionPayloadAreNotEqual() throws EngineException {
        Qcow2Header a = header(List.of(HeaderExtension.ofString(HeaderExtensionType.BACKING_FORMAT, "qcow2")));
        Qcow2Header b = header(List.of(HeaderExtension.ofString(HeaderExtensionType.BACKING_FORMAT, "raw00")));
        assertNotEquals(a, b);
        assertEquals(a, header(List.of(HeaderExtension.ofString(HeaderExtensionType.BACKING_FORMAT, "qcow2"))));
        assertEquals(a.hashCode(),
                header(List.of(HeaderExtension.ofString(HeaderExtensionType.BACKING_FORMAT, "qcow2"))).hashCode());
    }

    @Test
    void aNewImageHeaderRoundTripsThroughTheLayout() throws EngineException {
        HeaderExtension names = HeaderExtension.of(HeaderExtensionType.FEATURE_NAME_TABLE,
                FeatureName.writeTable(FeatureName.QEMU_TABLE));
        HeaderExtension unknown = new HeaderExtension(0x12345678, new byte[]{1, 2, 3});
        Qcow2Header.Encoded encoded = header(List.of(names, unknown)).encode();
        ByteBuffer cluster = ByteBuffer.allocate(1 << 16).put(encoded.bytes()).clear();
        Qcow2Header parsed = Qcow2Header.parse(cluster, 4L << 16);
        assertEquals(encoded.header(), parsed);
        assertEquals(FeatureName.QEMU_TABLE, parsed.featureNames());
        assertEquals(Qcow2Header.MAGIC, cluster.getInt(HeaderLayout.MAGIC));
        assertEquals(1 << 16, cluster.getLong(HeaderLayout.REFCOUNT_TABLE_OFFSET));
        assertEquals("base.qcow2", parsed.backingFile());
    }

    @Test
    void refcountBlockEntriesOfEveryWidthRoundTrip() {
        for (int order = 0; order <= 6; order++) {
            RefcountBlockCodec codec = new RefcountBlockCodec(order);
            ByteBuffer block = ByteBuffer.allocate(512);
            int n = (int) codec.entriesPerBlock(512);
            for (int i = 0; i < n; i++) {
                codec.set(block, i, i % 2 == 0 ? codec.max() : i & codec.max());
            }
            for (int i = 0; i < n; i++) {
                assertEquals(i % 2 == 0 ? codec.max() : i & codec.max(), codec.get(block, i), "order " + order);
            }
        }
    }

    @Test
    void compressedEntriesNeverHaveAHostCluster() {
        long compressed = L2Entry.COMPRESSED | 0x12345600L;
        assertFalse(L2Entry.hasHostCluster(compressed, false));
        assertFalse(L2Entry.hasHostCluster(compressed | L2Entry.COPIED, true));
        assertTrue(L2Entry.hasHostData(compressed, false));
        assertTrue(L2Entry.hasHostCluster(0x10000L, false));
        assertTrue(L2Entry.hasHostCluster(L2Entry.COPIED, true), "external data: COPIED alone maps the cluster");
        assertFalse(L2Entry.hasHostCluster(L2Entry.COPIED, false));
    }

    @Test
    void classifyReturnsTheTypeOrTheViolation() {
        EntryClassifier v3 = new EntryClassifier(3, 65536, false, false);
        assertEquals(SubclusterType.NORMAL, v3.classify(0x10000L | L2Entry.COPIED, 0, 0).type());
        assertEquals(SubclusterType.ZERO_PLAIN, v3.classify(L2Entry.ZERO, 0, 0).type());
        assertEquals(SubclusterType.ZERO_ALLOC, v3.classify(0x10000L | L2Entry.ZERO, 0, 0).type());
        assertEquals(SubclusterType.UNALLOCATED_PLAIN, v3.classify(0, 0, 0).type());
        assertEquals("unaligned host offset", v3.classify(0x10200L, 0, 0).violation());
        assertEquals("zero flag in a version 2 image",
                new EntryClassifier(2, 65536, false, false).classify(L2Entry.ZERO, 0, 0).violation());
        EntryClassifier ext = new EntryClassifier(3, 65536, true, false);
        assertTrue(ext.classify(0x10000L, 1L | 1L << 32, 0).isViolation(), "allocated and zero");
        assertTrue(ext.classify(0, 1L << 5, 5).isViolation(), "allocated without a cluster");
        assertEquals(SubclusterType.UNALLOCATED_ALLOC, ext.classify(0x10000L, 0, 3).type());
        assertNull(ext.firstViolation(0x10000L, 1L));
        EngineException e = assertThrows(EngineException.class,
                () -> v3.classify(0x10200L, 0, 0).orThrow(7, 0x10200L));
        assertTrue(e.getMessage().contains("guest offset cluster 7"), e.getMessage());
        assertTrue(new EntryClassifier(3, 65536, false, true)
                .classify(L2Entry.COMPRESSED, 0, 0).isViolation(), "compressed with an external data file");
    }

    @Test
    void snapshotTableRoundTripsWithExtraDataIdsAndNames() throws EngineException {
        SnapshotTable.Snapshot a = new SnapshotTable.Snapshot(0x50000, 2, "1", "before upgrade", 1_700_000_000L,
                123, 5_000_000_000L, 0, 1L << 30, -1, null);
        SnapshotTable.Snapshot b = new SnapshotTable.Snapshot(0x60000, 16, "2", "mit VM-Zustand ✓", 1_700_000_100L,
                456, 9_000_000_000L, 5L << 32, 1L << 30, 42, new byte[]{9, 8, 7, 6, 5, 4, 3, 2});
        byte[] table = SnapshotTable.write(List.of(a, b));
        assertEquals(0, table.length % 8);
        assertEquals(SnapshotTable.encodedLength(List.of(a, b)), table.length);
        List<SnapshotTable.Snapshot> back = SnapshotTable.read(ByteBuffer.wrap(table), 2);
        assertEquals(List.of(a, b), back);
        assertArrayEquals(new byte[]{9, 8, 7, 6, 5, 4, 3, 2}, back.get(1).extraTail());
        // The fixed part keeps the low 32 bits of the vm state size; the extra data holds all of it.
        assertEquals(0, ByteBuffer.wrap(table).getInt(a.encodedLength() + 32));
        assertThrows(EngineException.class, () -> SnapshotTable.read(ByteBuffer.wrap(table, 0, 50), 1));
    }

    @Test
    void headerPatchesWriteTheFieldsAtTheirOffsets() {
        HeaderLayout.Patch p = HeaderLayout.refcountTable(0x30000, 3);
        assertEquals(HeaderLayout.REFCOUNT_TABLE_OFFSET, p.offset());
        assertEquals(HeaderLayout.REFCOUNT_TABLE_CLUSTERS - HeaderLayout.REFCOUNT_TABLE_OFFSET + 4, p.bytes().length);
        assertEquals(0x30000, ByteBuffer.wrap(p.bytes()).getLong());
        assertEquals(HeaderLayout.INCOMPATIBLE_FEATURES, HeaderLayout.incompatibleFeatures(1).offset());
        assertEquals(HeaderLayout.AUTOCLEAR_FEATURES, HeaderLayout.autoclearFeatures(1).offset());
    }
    /** The one whole-structure writer: its size counts itself (a fixed point), its bytes point at its blocks. */
    @Test
    void refcountStructureCountsItselfAndPointsAtItsBlocks() {
        RefcountBlockCodec sixteen = new RefcountBlockCodec(4);
        // 512-byte clusters, 16-bit refcounts: 256 per block, 64 table entries per cluster
        RefcountStructure small = RefcountStructure.sizedFor(3, sixteen, 512);
        assertEquals(1, small.blocks());
        assertEquals(1, small.tableClusters());
        // 254 clusters before it + 2 of its own fill one block exactly; one more needs a second block
        assertEquals(1, RefcountStructure.sizedFor(254, sixteen, 512).blocks());
        RefcountStructure two = RefcountStructure.sizedFor(255, sixteen, 512);
        assertEquals(2, two.blocks());
        assertEquals(1, two.tableClusters());
        // 64 blocks and one table cluster count 16384 clusters: one short here, so a 65th block is needed, then a
        // second table cluster for it, which the blocks must count as well
        RefcountStructure wide = RefcountStructure.sizedFor(64 * 256 - 64, sixteen, 512);
        assertEquals(65, wide.blocks());
        assertEquals(2, wide.tableClusters());
        assertEquals(64, RefcountStructure.sizedFor(64 * 256 - 65, sixteen, 512).blocks());
        long total = 64 * 256 - 64 + wide.clusters();
        assertTrue(wide.blocks() * 256 >= total && wide.tableClusters() * 64 >= wide.blocks());

        ByteBuffer block = two.block(1, 300, c -> c % 3);
        for (int i = 0; i < 256; i++) {
            long cluster = 256 + i;
            assertEquals(cluster < 300 ? cluster % 3 : 0, sixteen.get(block, i), "cluster " + cluster);
        }
        ByteBuffer table = wide.tableCluster(1, 0x10000);
        assertEquals(512, table.remaining());
        assertEquals(0x10000 + 64 * 512, table.getLong(0), "entry 64 points at block 64");
        assertEquals(0, table.getLong(8), "no block 65");
    }
}
