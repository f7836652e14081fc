package qcowdesk.engine.qcow2;

import qcowdesk.engine.EngineException;
import qcowdesk.engine.qcow2.MetadataGuard.Kind;
import qcowdesk.engine.qcow2.format.BitmapDirectory;
import qcowdesk.engine.qcow2.format.L1Entry;
import qcowdesk.engine.qcow2.format.Qcow2Header;
import qcowdesk.engine.qcow2.format.SnapshotTable;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Tells the overlap guard about the metadata that the store does not keep itself but must never write over: the
 * internal snapshot table, each snapshot's L1 table and the L2 tables it names, and the persistent bitmaps'
 * directory, tables and data clusters (only while the autoclear bitmaps bit says they are valid: QEMU trusts them
 * only then). Anything out of range is corruption, and the image is not opened for writing; read-only opens never
 * read these.
 *
 * <p>Memory and time stay bounded whatever the file claims: snapshot L1 tables and bitmap tables are read a chunk
 * at a time and may not overlap one another (QEMU gives each its own clusters), so reading them all reads at most
 * the file once; each kind holds at most {@link #MAX_CLUSTERS} clusters.
 */
final class MetadataRegions {

    /** As many clusters of one kind as the largest L1 table has entries (32 MiB / 8). */
    static final int MAX_CLUSTERS = (int) (Qcow2Header.MAX_L1_BYTES / L1Entry.ENCODED_LENGTH);
    private static final int CHUNK_BYTES = 64 << 10;

    private final ImageFile image;
    private final Qcow2Header header;
    private final MetadataGuard guard;
    private final long fileSize;
    private final long fileEnd;
    private final long clusterMask;
    private final ByteBuffer chunk = ByteBuffer.allocate(CHUNK_BYTES);

    private MetadataRegions(ImageFile image, Qcow2Header header, MetadataGuard guard) throws IOException {
        this.image = image;
        this.header = header;
        this.guard = guard;
        this.clusterMask = header.clusterSize() - 1L;
        this.fileSize = image.size();
        this.fileEnd = (fileSize + clusterMask) & ~clusterMask;
    }

    /** Adds the snapshot and bitmap regions of the image (as {@code header} describes it at open) to the guard. */
    static void read(ImageFile image, Qcow2Header header, MetadataGuard guard) throws IOException {
        MetadataRegions regions = new MetadataRegions(image, header, guard);
        regions.snapshots();
        regions.bitmaps();
    }

    private void snapshots() throws IOException {
        if (header.nbSnapshots() == 0) {
            return;
        }
        SnapshotTableReader.Contents table;
        try {
            table = SnapshotTableReader.read(image.channel(), header);
        } catch (EngineException e) {
            throw MetadataGuard.corrupt("%s", e.getMessage());
        }
        guard.requireFree(Kind.SNAPSHOT_TABLE, header.snapshotsOffset(), table.bytes(), fileSize);
        guard.add(Kind.SNAPSHOT_TABLE, header.snapshotsOffset(), table.bytes());
        Set<List<Long>> seen = new HashSet<>();
        for (SnapshotTable.Snapshot s : table.entries()) {
            long offset = s.l1TableOffset();
            long bytes = s.l1Size() * L1Entry.ENCODED_LENGTH;
            if (s.l1Size() == 0 || !seen.add(List.of(offset, s.l1Size()))) {
                continue; // an empty disk, or the same table named twice: nothing new to read
            }
            String what = "the L1 table of snapshot '" + s.name() + "'";
            requireTable(what, offset, bytes, Qcow2Header.MAX_L1_BYTES);
            if (guard.touches(Kind.SNAPSHOT_L1_TABLE, offset, bytes)) {
                throw MetadataGuard.corrupt("%s at 0x%x overlaps the L1 table of another snapshot", what, offset);
            }
            guard.requireFree(Kind.SNAPSHOT_L1_TABLE, offset, bytes, fileSize);
            guard.add(Kind.SNAPSHOT_L1_TABLE, offset, bytes);
            readEntries(offset, bytes, entry -> {
                long l2 = L1Entry.offset(entry);
                if (l2 != 0) {
                    requireCluster("an L2 table of snapshot '" + s.name() + "'", l2);
                    add(Kind.SNAPSHOT_L2_TABLE, l2);
                }
            });
        }
    }

    private void bitmaps() throws IOException {
        BitmapDirectoryReader.Contents bitmaps;
        try {
            bitmaps = BitmapDirectoryReader.read(image.channel(), header);
        } catch (EngineException e) {
            throw MetadataGuard.corrupt("%s", e.getMessage());
        }
        if (bitmaps.directorySize() == 0) {
            return;
        }
        guard.requireFree(Kind.BITMAP_DIRECTORY, bitmaps.directoryOffset(), bitmaps.directorySize(), fileSize);
        guard.add(Kind.BITMAP_DIRECTORY, bitmaps.directoryOffset(), bitmaps.directorySize());
        for (BitmapDirectory.Entry bitmap : bitmaps.entries()) {
            long offset = bitmap.tableOffset();
            long bytes = bitmap.tableSize() * 8;
            String what = "the table of bitmap '" + bitmap.name() + "'";
            requireTable(what, offset, bytes, fileEnd);
            if (guard.touches(Kind.BITMAP_TABLE, offset, bytes)) {
                throw MetadataGuard.corrupt("%s at 0x%x overlaps the table of another bitmap", what, offset);
            }
            guard.requireFree(Kind.BITMAP_TABLE, offset, bytes, fileSize);
            guard.add(Kind.BITMAP_TABLE, offset, bytes);
            readEntries(offset, bytes, entry -> {
                long data = entry & BitmapDirectory.TABLE_ENTRY_OFFSET_MASK;
                if (data != 0) {
                    requireCluster("a data cluster of bitmap '" + bitmap.name() + "'", data);
                    add(Kind.BITMAP_DATA, data);
                }
            });
        }
    }

    private void requireTable(String what, long offset, long bytes, long maxBytes) throws EngineException {
        if (offset <= 0 || (offset & clusterMask) != 0 || bytes > maxBytes || offset > fileEnd - bytes) {
            throw MetadataGuard.corrupt("%s (offset 0x%x, %d bytes) is unaligned or past the end of the file",
                    what, offset, bytes);
        }
    }

    private void requireCluster(String what, long offset) throws EngineException {
        if ((offset & clusterMask) != 0 || offset >= fileEnd) {
            throw MetadataGuard.corrupt("%s at 0x%x is unaligned or past the end of the file", what, offset);
        }
    }

    private void add(Kind kind, long offset) throws EngineException {
        guard.add(kind, offset, 1);
        if (guard.count(kind) > MAX_CLUSTERS) {
            throw MetadataGuard.corrupt("more than %d clusters are %s", MAX_CLUSTERS, kind.words());
        }
    }

    private interface EntryAction {
        void accept(long entry) throws EngineException;
    }

    /** Reads {@code bytes} of 64-bit big-endian entries at {@code offset} a chunk at a time. */
    private void readEntries(long offset, long bytes, EntryAction action) throws IOException {
        for (long done = 0; done < bytes; done += CHUNK_BYTES) {
            chunk.clear().limit((int) Math.min(CHUNK_BYTES, bytes - done));
            image.read(offset + done, chunk);
            chunk.flip();
            while (chunk.remaining() >= 8) {
                action.accept(chunk.getLong());
            }
        }
    }
}
