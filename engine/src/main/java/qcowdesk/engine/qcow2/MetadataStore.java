package qcowdesk.engine.qcow2;

import qcowdesk.engine.EngineException;
import qcowdesk.engine.ErrorCode;
import qcowdesk.engine.qcow2.format.HeaderLayout;
import qcowdesk.engine.qcow2.format.L1Entry;
import qcowdesk.engine.qcow2.format.L2Entry;
import qcowdesk.engine.qcow2.format.Qcow2Header;
import qcowdesk.engine.qcow2.format.RefcountTableEntry;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The only writer of an image's metadata: L1 table, L2 tables (through their cache), refcount table and blocks
 * (with the cluster allocator), the header, and the flushes between them. Every metadata write passes the overlap
 * guard here. It holds the image's one current header and its metadata lock.
 *
 * <p>The ordering rules, which keep the image consistent at every instant (a crash may leak clusters, never
 * corrupt), are enforced here and nowhere else (QEMU's rules, block/qcow2-cache.c and qcow2-cluster.c):
 * <ol>
 *   <li><b>Data before the L2 entry.</b> Guest data is written before the L2 entry that points to it changes, and
 *       synced before that L2 table is written: {@link #writeBack} syncs the data file before writing any dirty
 *       L2 table.</li>
 *   <li><b>Refcount before the reference.</b> A refcount increment is written and synced before any L2 table or L1
 *       entry references the cluster: {@link #writeBack} writes the dirty refcount blocks and syncs before an L2
 *       table or an L1 entry goes to disk; a new refcount block is durable before the table
 *       entry points to it ({@link #installRefcountBlock}); a new refcount table is durable before the header
 *       points to it ({@link #moveRefcountTable}).</li>
 *   <li><b>L2 table before the L1 entry.</b> A new L2 table is written and synced before the L1 entry points to it:
 *       {@link #installL2} changes the L1 entry in memory only, and {@link #writeBack} writes the changed L1
 *       entries after the sync that follows the L2 tables.</li>
 *   <li><b>Free after the unlink.</b> A cluster's refcount drops only after the L2 entry (or L1 entry) that
 *       referenced it was cleared on disk and synced: {@link #freeLater} only queues; {@link #writeBack} applies
 *       the queue after the sync that follows the L2 write-back.</li>
 *   <li><b>COPIED means refcount one.</b> Bit 63 is set only on entries whose cluster has refcount 1 (freshly
 *       allocated, or checked in {@link #l2ForWrite}); only those are written in place.</li>
 * </ol>
 * L2 tables, refcount blocks and L1 entries are written back lazily (on flush, or when too many tables are dirty),
 * in the order above, as QEMU's caches do: an allocating write costs the file its data only, and a crash before the
 * flush leaks the clusters it allocated, never more. A read-only image has a store too, which never writes.
 */
final class MetadataStore {

    /** Pending frees held before a write-back makes them effective; bounds memory during huge discards. */
    private static final int MAX_PENDING_FREES = 65536;

    private final ImageResources resources;
    private final ImageFile image;
    private final boolean writable;
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private final L1Table l1;
    private final ClusterLookup lookup;
    private final CompressedClusterReader compressed;
    private final int clusterBits;
    private final int clusterSize;
    /** Set for writable images at open; for read-only ones on first use by {@link #refcount}. */
    private RefcountTable refcounts;
    private final MetadataGuard guard;
    private final ClusterAllocator allocator;
    /** Dirty L2 tables past which they are written back before the client flushes. */
    private final int l2DirtyLimit;
    /** Old L2 entries (or L2 table offsets) whose host clusters are freed once their unlinking is durable. */
    private final List<Long> pendingFrees = new ArrayList<>();
    /** L1 entries changed in memory and not yet written (new or copied L2 tables, COPIED flags). */
    private final BitSet dirtyL1 = new BitSet();
    private volatile Qcow2Header header;

    private MetadataStore(ImageResources resources, Qcow2Header header, boolean writable, int l2CacheTables)
            throws IOException {
        this.resources = resources;
        this.image = resources.image();
        this.writable = writable;
        this.header = header;
        this.clusterBits = header.clusterBits();
        this.clusterSize = header.clusterSize();
        this.l1 = L1Table.read(image, header);
        this.lookup = new ClusterLookup(header, image, l1, l2CacheTables);
        this.compressed = new CompressedClusterReader(image, clusterBits, header.compressionType());
        this.l2DirtyLimit = l2DirtyLimit(lookup.l2Cache().capacity(), header.neededL1Entries());
        if (!writable) {
            this.guard = null;
            this.allocator = null;
            return;
        }
        long reftableEntries = ((long) header.refcountTableClusters() << clusterBits)
                / RefcountTableEntry.ENCODED_LENGTH;
        int cacheBlocks = (int) Math.max(4, Math.min(reftableEntries, (4L << 20) >>> clusterBits));
        this.refcounts = RefcountTable.load(image, header, cacheBlocks);
        this.guard = new MetadataGuard(header);
        for (int i = 0; i < l1.size(); i++) {
            guard.addL2Table(L1Entry.offset(l1.entry(i)));
        }
        for (long b = 0; b < refcounts.tableEntries(); b++) {
            guard.addRefcountBlock(refcounts.blockOffset(b));
        }
        MetadataRegions.read(image, header, guard);
        guard.validate(image.size());
        this.allocator = new ClusterAllocator(refcounts, guard, new AllocatorWrites(), clusterBits);
    }

    static MetadataStore open(ImageResources resources, OpenOptions options, int l2CacheTables) throws IOException {
        return open(resources, options, l2CacheTables, resources.openedHeader());
    }

    /** Opens the store over {@code header}: the image's own, or (read-only) the view of an internal snapshot. */
    static MetadataStore open(ImageResources resources, OpenOptions options, int l2CacheTables, Qcow2Header header)
            throws IOException {
        if (header != resources.openedHeader() && !options.isReadOnly()) {
            throw new IllegalArgumentException("an internal snapshot is opened read-only");
        }
        boolean writable = !options.isReadOnly();
        // Validated (overlap guard) with the header as found, so that a refused image is left untouched and the
        // bitmaps that the autoclear bit still vouches for are guarded.
        MetadataStore store = new MetadataStore(resources, header, writable, l2CacheTables);
        if (writable) {
            store.clearAutoclearBits();
        }
        return store;
    }

    /**
     * Autoclear bits announce data that a writer unaware of it would leave stale (e.g. persistent bitmaps): such a
     * writer must clear them. Only the raw-data-file bit stays true, because we keep guest offset == host offset in
     * the data file.
     */
    private void clearAutoclearBits() throws IOException {
        long keep = header.autoclearFeatures() & Qcow2Header.AUTOCLEAR_DATA_FILE_RAW;
        if (header.version() >= 3 && keep != header.autoclearFeatures()) {
            writeHeaderFields(image, HeaderLayout.autoclearFeatures(keep));
            image.sync();
            header = header.withAutoclearFeatures(keep);
        }
    }

    // ----- what readers and the guest writer see ----------------------------------------------------------------

    /** The current header (it follows in-place updates such as a moved refcount table). */
    Qcow2Header header() {
        return header;
    }

    /** Reads hold the read lock; metadata changes the write lock (the allocation lock). */
    ReentrantReadWriteLock lock() {
        return lock;
    }

    ClusterLookup lookup() {
        return lookup;
    }

    CompressedClusterReader compressed() {
        return compressed;
    }

    /** Refcount of a host cluster (for tests and checks); loads the refcount table of a read-only image once. */
    long refcount(long hostCluster) throws IOException {
        lock.writeLock().lock();
        try {
            if (refcounts == null) {
                refcounts = RefcountTable.load(image, header);
            }
            return refcounts.get(hostCluster);
        } finally {
            lock.writeLock().unlock();
        }
    }

    // ----- changes (caller holds the write lock) ---------------------------------------------------------------

    /** Allocates a host cluster (refcount 1 in the cache) for guest data. */
    long allocateDataCluster() throws IOException {
        return allocator.allocate();
    }

    /**
     * Where the image file ends: for a writable image, once every cluster allocated so far is written to its end.
     * The last data clusters may still end early in the file itself (their unwritten rest reads as zeros), so this is
     * what the file's size will be, and it does not move when a write fills such a cluster in place.
     */
    long fileEnd() throws IOException {
        return allocator == null ? image.size() : Math.max(image.size(), allocator.endOffset());
    }

    /** Refuses guest data at {@code [host, host+length)} of the image file that would overwrite metadata. */
    void checkData(long host, int length) throws IOException {
        // A host offset past the end of what is allocated comes from a corrupt (or crafted) L2 entry: writing there
        // would grow the file to a size the image chose. In an external data file host offset = guest offset.
        long end = resources.hasExternalData()
                ? Qcow2Header.ceilDiv(header.size(), clusterSize) * clusterSize : allocator.endOffset();
        if (host + length > end) {
            throw new EngineException(ErrorCode.INVALID_IMAGE, String.format("refusing to write guest data at host "
                    + "offset 0x%x: it is past the end of the %s (%d bytes); the image is corrupt", host,
                    resources.hasExternalData() ? "data file's guest size" : "file", end));
        }
        if (!resources.hasExternalData()) {
            guard.checkData(host, length);
        }
    }

    /**
     * The L2 table for guest cluster {@code g}, ready to change: an L2 table shared with a snapshot (refcount above
     * one) is copied first; a missing one is created (QEMU's l2_allocate).
     */
    L2Table l2ForWrite(long g) throws IOException {
        int l1Index = lookup.l1Index(g);
        long l2Offset = lookup.l2Offset(l1Index);
        if (l2Offset == 0) {
            return installL2(l1Index, L2Table.empty(allocator.allocate(), clusterSize, header.hasExtendedL2()), 0);
        }
        long l1Entry = l1.entry(l1Index);
        if (!L1Entry.isCopied(l1Entry)) {
            if (refcounts.get(l2Offset >>> clusterBits) != 1) {
                // Shared with an internal snapshot: the data clusters keep their refcounts (they count referencing
                // L1 trees, not L2 tables), and since none of them is COPIED, writes into them copy on write too.
                return installL2(l1Index, lookup.table(l2Offset).copyTo(allocator.allocate()), l2Offset);
            }
            setL1Entry(l1Index, l1Entry | L1Entry.COPIED);
        }
        return lookup.table(l2Offset);
    }

    /**
     * A new L2 table: dirty in the cache, and the L1 entry points to it in memory. Rules 2 and 3 are kept by
     * {@link #writeBack}: the table's refcount, then the table, are durable before the L1 entry is written.
     * {@code replaced} (a shared table the L1 entry pointed to, or 0) drops our reference once that is durable.
     */
    private L2Table installL2(int l1Index, L2Table table, long replaced) {
        guard.addL2Table(table.offset());
        lookup.l2Cache().put(table);
        table.markDirty();
        setL1Entry(l1Index, L1Entry.owned(table.offset()));
        if (replaced != 0) {
            pendingFrees.add(replaced);
        }
        return table;
    }

    private void setL1Entry(int index, long value) {
        l1.set(index, value);
        dirtyL1.set(index);
    }

    /** Writes the changed L1 entries (not synced); each run of neighbours in one write. */
    private void writeDirtyL1() throws IOException {
        for (int i = dirtyL1.nextSetBit(0); i >= 0; ) {
            int end = dirtyL1.nextClearBit(i);
            ByteBuffer run = ByteBuffer.allocate((end - i) * L1Entry.ENCODED_LENGTH);
            for (int k = i; k < end; k++) {
                run.putLong(l1.entry(k));
            }
            run.flip();
            image.write(l1.entryOffset(i), run);
            i = dirtyL1.nextSetBit(end);
        }
        dirtyL1.clear();
    }

    /** Changes entry {@code i} of an L2 table in the cache; it reaches the disk in {@link #writeBack}. */
    void setL2Entry(L2Table table, int i, long entry, long bitmap) {
        table.set(i, entry, bitmap);
    }

    /**
     * Rule 4: the host data of {@code oldEntry}, an L2 entry just replaced in the cache, is freed only after that
     * change is durable. Clusters of an external data file have no refcounts: nothing to free.
     */
    void freeLater(long oldEntry) {
        if (!resources.hasExternalData()) {
            pendingFrees.add(oldEntry);
        }
    }

    /** Ends one metadata change: the frees it queued take effect now (their unlinking written and synced). */
    void endChange() throws IOException {
        if (!pendingFrees.isEmpty()) {
            writeBack();
        }
    }

    /**
     * When the cache holds every L2 table the disk can have, dirty tables never crowd out a table that must be
     * loaded, so they wait for the client's flush (as in QEMU; without a flush the client was promised nothing).
     * Writing them back early only adds syncs: random allocating writes spread over N tables would sync about
     * every N/2 writes. A cache smaller than the disk keeps half its tables clean for the reads and writes
     * elsewhere on the disk.
     */
    private static int l2DirtyLimit(int capacity, long tablesOnDisk) {
        return tablesOnDisk <= capacity ? capacity : capacity / 2;
    }

    /** Writes back early when the caches are crowded with dirty entries. */
    void writeBackIfCrowded() throws IOException {
        if (lookup.l2Cache().dirtyCount() > l2DirtyLimit || pendingFrees.size() > MAX_PENDING_FREES) {
            writeBack();
        }
        if (refcounts.dirtyBlocks() * 2 > refcounts.cacheCapacity()) {
            writeDirtyRefcounts(); // always safe: decrements are applied only after their L2 change is durable
        }
    }

    /**
     * Rules 1 to 4: refcounts and data durable, then the dirty L2 tables; once those are durable the changed L1
     * entries; then, after a sync, the queued frees.
     */
    private void writeBack() throws IOException {
        List<L2Table> dirty = lookup.l2Cache().dirty();
        if (!dirty.isEmpty() || !dirtyL1.isEmpty()) {
            writeDirtyRefcounts();
            syncAll();
            for (L2Table t : dirty) {
                guard.checkMetadata("an L2 table", t.offset(), true);
                image.write(t.offset(), t.encode());
                t.markClean();
            }
            lookup.l2Cache().trim();
            if (!dirtyL1.isEmpty()) {
                image.sync(); // the tables are durable: now the L1 entries may point to them
                writeDirtyL1();
            }
        }
        if (!pendingFrees.isEmpty()) {
            image.sync(); // the cleared entries are on disk: now the clusters may drop their refcounts
            for (long old : pendingFrees) {
                free(old);
            }
            pendingFrees.clear();
            compressed.forget();
        }
    }

    private void free(long oldEntry) throws IOException {
        if (L2Entry.isCompressed(oldEntry)) {
            long start = L2Entry.compressedOffset(oldEntry, clusterBits) & ~511L;
            long length = L2Entry.compressedSectors(oldEntry, clusterBits) * 512L;
            for (long c = start >>> clusterBits; c <= (start + length - 1) >>> clusterBits; c++) {
                allocator.decrement(c);
            }
        } else {
            allocator.decrement(L2Entry.offset(oldEntry) >>> clusterBits);
        }
    }

    /** Writes every dirty refcount block (not synced). */
    private void writeDirtyRefcounts() throws IOException {
        for (RefcountBlock block : refcounts.dirty()) {
            guard.checkMetadata("a refcount block", block.offset(), false);
            image.write(block.offset(), block.encode());
            block.markClean();
        }
        refcounts.trim();
    }

    private void syncAll() throws IOException {
        if (resources.hasExternalData()) {
            resources.data().sync();
        }
        image.sync();
    }

    /** Makes everything written and changed so far durable. Takes the write lock. */
    void flush() throws IOException {
        if (!writable) {
            return;
        }
        lock.writeLock().lock();
        try {
            writeBack();
            writeDirtyRefcounts();
            syncAll();
        } finally {
            lock.writeLock().unlock();
        }
    }

    /**
     * Writes header fields in place and syncs (resize). The current header is not re-read: the caller closes the
     * image afterwards. Caller holds the write lock.
     */
    void patchHeaderDurably(HeaderLayout.Patch patch) throws IOException {
        writeHeaderFields(image, patch);
        image.sync();
    }

    /**
     * Grows the L1 table by moving it, together with the virtual size (QEMU's qcow2_grow_l1_table): the new table
     * (the old entries, then zeros) is written into newly allocated contiguous clusters and made durable with their
     * refcounts; then one header write switches size, l1_size and l1_table_offset together (bytes 24..72, one
     * sector); then the old table's clusters are freed. A crash before the header write leaves the old image with
     * the new clusters leaked; after it, the grown image, at worst with the old table's clusters leaked. Caller
     * holds the write lock and closes the image afterwards.
     */
    void growL1Moving(int entries, long newSize) throws IOException {
        writeBack();
        writeDirtyRefcounts();
        syncAll();
        int bytes = entries * L1Entry.ENCODED_LENGTH;
        int clusters = (int) Qcow2Header.ceilDiv(bytes, clusterSize);
        long offset = allocator.allocateContiguous(clusters);
        ByteBuffer table = ByteBuffer.allocate(clusters * clusterSize);
        for (int i = 0; i < l1.size(); i++) {
            table.putLong(i * L1Entry.ENCODED_LENGTH, l1.entry(i));
        }
        image.write(offset, table);
        writeDirtyRefcounts();
        syncAll();
        Qcow2Header h = header; // the allocation may have moved the refcount table: the header it left
        writeHeaderFields(image, HeaderLayout.generation(newSize, h.cryptMethod(), entries, offset,
                h.refcountTableOffset(), h.refcountTableClusters(), h.nbSnapshots(), h.snapshotsOffset()));
        image.sync();
        long oldClusters = Qcow2Header.ceilDiv((long) l1.size() * L1Entry.ENCODED_LENGTH, clusterSize);
        for (long c = l1.offset() >>> clusterBits; c < (l1.offset() >>> clusterBits) + oldClusters; c++) {
            allocator.decrement(c);
        }
        writeDirtyRefcounts();
        syncAll();
    }

    /** Reads bytes of the image file (for checks before a metadata change). */
    byte[] readImage(long offset, int length) throws IOException {
        return image.read(offset, length);
    }

    private static void writeHeaderFields(ImageFile file, HeaderLayout.Patch patch) throws IOException {
        file.write(patch.offset(), patch.buffer());
    }

    /** The allocator's writes, in the order of rule 2. */
    private final class AllocatorWrites implements ClusterAllocator.RefcountWrites {
        @Override
        public void installRefcountBlock(long index, RefcountBlock block) throws IOException {
            guard.checkMetadata("a refcount block", block.offset(), false);
            image.write(block.offset(), block.encode());
            block.markClean();
            image.sync();
            image.write(refcounts.entryOffset(index),
                    ByteBuffer.allocate(RefcountTableEntry.ENCODED_LENGTH).putLong(0, block.offset()));
            refcounts.installBlock(index, block);
        }

        @Override
        public void moveRefcountTable(long tableOffset, long[] table, List<RefcountBlock> newBlocks)
                throws IOException {
            for (RefcountBlock block : newBlocks) {
                guard.checkMetadata("a refcount block", block.offset(), false);
                image.write(block.offset(), block.encode());
            }
            writeDirtyRefcounts();
            ByteBuffer encoded = ByteBuffer.allocate(table.length * RefcountTableEntry.ENCODED_LENGTH);
            encoded.asLongBuffer().put(table);
            guard.checkRefcountTable(tableOffset, encoded.capacity());
            image.write(tableOffset, encoded);
            image.sync();
            int clusters = (int) Qcow2Header.ceilDiv(encoded.capacity(), clusterSize);
            writeHeaderFields(image, HeaderLayout.refcountTable(tableOffset, clusters));
            image.sync();
            header = header.withRefcountTable(tableOffset, clusters);
            guard.setRefcountTable(tableOffset, clusters);
            refcounts.replaceTable(tableOffset, table);
        }

        @Override
        public long fileSize() throws IOException {
            return image.size();
        }
    }

}
