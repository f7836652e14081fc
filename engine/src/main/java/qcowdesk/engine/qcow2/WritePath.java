package qcowdesk.engine.qcow2;

import qcowdesk.engine.qcow2.format.L1Entry;
import qcowdesk.engine.qcow2.format.HeaderLayout;
import qcowdesk.engine.qcow2.format.Qcow2Header;
import qcowdesk.engine.qcow2.format.L2Entry;
import qcowdesk.engine.qcow2.format.SubclusterType;

import qcowdesk.engine.EngineException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Everything that changes an image: writes, write-zeroes, discard, flush. It follows QEMU's ordering rules so that
 * a crash at any instant leaves at worst leaked clusters:
 * <ul>
 *   <li>guest data is written before the L2 entry that points to it, and synced before that L2 table is written;</li>
 *   <li>a refcount increment is written and synced before any L2 table or L1 entry references the cluster;</li>
 *   <li>a new L2 table is written and synced before the L1 entry points to it;</li>
 *   <li>a cluster is freed (refcount decremented) only after the L2 entry that referenced it was cleared on disk;</li>
 *   <li>COPIED (bit 63) is set exactly on clusters with refcount 1, and only those are written in place.</li>
 * </ul>
 * L2 tables and refcount blocks are written back lazily (on flush, or when too many are dirty), in that order.
 */
final class WritePath {

    private final Qcow2Image image;
    private final ImageResources resources;
    private final ClusterLookup lookup;
    private final CompressedClusterReader compressed;
    private final ReentrantReadWriteLock lock;
    private final AllocationEvents events;
    private final RefcountTable refcounts;
    private final MetadataGuard guard;
    private final ClusterAllocator allocator;
    private final int clusterBits;
    private final int clusterSize;
    private final int subclusterSize;
    private final boolean extended;
    /** Dirty L2 tables past which they are written back before the client flushes. */
    private final int l2DirtyLimit;
    /** Old L2 entries whose host clusters are freed once their clearing is durable. */
    private final List<Long> pendingFrees = new ArrayList<>();
    private volatile Qcow2Header header;

    private WritePath(Qcow2Image image, ImageResources resources, ClusterLookup lookup,
                      CompressedClusterReader compressed, ReentrantReadWriteLock lock, AllocationEvents events,
                      Qcow2Header header) throws IOException {
        this.image = image;
        this.resources = resources;
        this.lookup = lookup;
        this.compressed = compressed;
        this.lock = lock;
        this.events = events;
        this.header = header;
        this.clusterBits = header.clusterBits();
        this.clusterSize = header.clusterSize();
        this.extended = header.hasExtendedL2();
        this.subclusterSize = extended ? clusterSize / L2Entry.SUBCLUSTERS : clusterSize;
        this.l2DirtyLimit = l2DirtyLimit(lookup.l2Cache().capacity(), header.neededL1Entries());
        long reftableEntries = ((long) header.refcountTableClusters() << clusterBits) / 8;
        int cacheBlocks = (int) Math.max(4, Math.min(reftableEntries, (4L << 20) >>> clusterBits));
        this.refcounts = RefcountTable.load(resources.image(), header, cacheBlocks);
        this.guard = new MetadataGuard(header);
        for (int i = 0; i < lookup.l1().size(); i++) {
            guard.addL2Table(L1Entry.offset(lookup.l1().entry(i)));
        }
        for (long b = 0; b < refcounts.tableEntries(); b++) {
            guard.addRefcountBlock(refcounts.blockOffset(b));
        }
        this.allocator = new ClusterAllocator(resources.image(), refcounts, guard, this::refcountTableMoved,
                clusterBits);
    }

    static WritePath open(Qcow2Image image, ImageResources resources, ClusterLookup lookup,
                          CompressedClusterReader compressed, ReentrantReadWriteLock lock, AllocationEvents events)
            throws IOException {
        Qcow2Header header = resources.header();
        // Autoclear bits announce data that a writer unaware of it would leave stale (e.g. persistent bitmaps):
        // such a writer must clear them. Only the raw-data-file bit stays true, because we keep guest offset ==
        // host offset in the data file.
        long keep = header.autoclearFeatures() & Qcow2Header.AUTOCLEAR_DATA_FILE_RAW;
        if (header.version() >= 3 && keep != header.autoclearFeatures()) {
            HeaderLayout.Patch patch = HeaderLayout.autoclearFeatures(keep);
            resources.image().write(patch.offset(), patch.buffer());
            resources.image().sync();
            header = header.withAutoclearFeatures(keep);
        }
        return new WritePath(image, resources, lookup, compressed, lock, events, header);
    }

    Qcow2Header header() {
        return header;
    }

    RefcountTable refcounts() {
        return refcounts;
    }

    private void refcountTableMoved(long offset, int clusters) throws IOException {
        HeaderLayout.Patch patch = HeaderLayout.refcountTable(offset, clusters);
        resources.image().write(patch.offset(), patch.buffer());
        resources.image().sync();
        header = header.withRefcountTable(offset, clusters);
    }

    // ----- write ------------------------------------------------------------------------------------------------

    void write(long offset, ByteBuffer src) throws IOException {
        image.checkRange(offset, src.remaining());
        AllocationEvents.Batch batch = events.batch();
        long pos = offset;
        try {
            while (src.hasRemaining()) {
                int inCluster = (int) (pos & (clusterSize - 1));
                int n = Math.min(src.remaining(), clusterSize - inCluster);
                ByteBuffer chunk = Buffers.take(src, n);
                if (!tryWriteInPlace(pos, chunk.duplicate())) {
                    lock.writeLock().lock();
                    try {
                        writeAllocating(pos, chunk, batch);
                        writeBackIfCrowded();
                    } finally {
                        lock.writeLock().unlock();
                    }
                }
                pos += n;
            }
        } finally {
            publish(batch);
        }
    }

    /** The fast path: the cluster is allocated with refcount 1, so the data goes in place under the read lock. */
    private boolean tryWriteInPlace(long pos, ByteBuffer chunk) throws IOException {
        lock.readLock().lock();
        try {
            long g = pos >>> clusterBits;
            ClusterLookup.Mapping m = lookup.lookup(g);
            if (m.table() == null || !L2Entry.isCopied(m.entry()) || L2Entry.isCompressed(m.entry())) {
                return false;
            }
            int inCluster = (int) (pos & (clusterSize - 1));
            int last = inCluster + chunk.remaining() - 1;
            for (int s = inCluster / subclusterSize; s <= last / subclusterSize; s++) {
                if (lookup.classify(m.entry(), m.bitmap(), s, g) != SubclusterType.NORMAL) {
                    return false;
                }
            }
            writeData(L2Entry.offset(m.entry()) + inCluster, chunk);
            return true;
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Writes within one cluster, allocating what is needed. Caller holds the write lock. */
    private void writeAllocating(long pos, ByteBuffer chunk, AllocationEvents.Batch batch) throws IOException {
        long g = pos >>> clusterBits;
        long clusterStart = g << clusterBits;
        int inCluster = (int) (pos - clusterStart);
        int n = chunk.remaining();
        L2Table table = l2ForWrite(g);
        int i = lookup.l2Index(g);
        long entry = table.entry(i);
        long bitmap = table.bitmap(i);
        boolean wasCompressed = L2Entry.isCompressed(entry);
        if (wasCompressed) {
            lookup.classify(entry, bitmap, 0, g); // validates
        }
        boolean hasHost = hasHostCluster(entry);
        int subFrom = inCluster / subclusterSize * subclusterSize;
        int subTo = Math.min(clusterSize, (inCluster + n + subclusterSize - 1) / subclusterSize * subclusterSize);
        long touchedBits = extended ? L2Entry.allocationBits(subFrom / subclusterSize, (subTo - 1) / subclusterSize) : 0;

        if (hasHost && L2Entry.isCopied(entry)) {
            long host = L2Entry.offset(entry);
            if (!extended && (entry & L2Entry.ZERO) == 0) {
                writeData(host + inCluster, chunk); // became writable in place while we waited for the lock
            } else if (!extended) {
                byte[] buf = new byte[clusterSize];
                chunk.get(buf, inCluster, n);
                writeData(host, ByteBuffer.wrap(buf));
                table.set(i, host | L2Entry.COPIED, 0);
            } else {
                writeData(host + subFrom, ByteBuffer.wrap(merged(clusterStart, subFrom, subTo, inCluster, chunk)));
                table.set(i, entry, (bitmap | touchedBits) & ~(touchedBits << 32));
            }
            return;
        }

        long newHost = resources.hasExternalData() ? clusterStart : allocator.allocate();
        long newBitmap;
        if (extended && !hasHost && !wasCompressed) {
            // Subcluster-aware copy-on-write: only the touched subclusters get data, the others keep their state.
            writeData(newHost + subFrom, ByteBuffer.wrap(merged(clusterStart, subFrom, subTo, inCluster, chunk)));
            newBitmap = (bitmap | touchedBits) & ~(touchedBits << 32);
        } else {
            boolean readsAsZeros = !hasHost && !extended && !wasCompressed
                    && readsAsZeros(lookup.classify(entry, bitmap, 0, g));
            writeNewCluster(newHost, clusterStart, inCluster, chunk, readsAsZeros);
            newBitmap = extended ? L2Entry.allocationBits(0, L2Entry.SUBCLUSTERS - 1) : 0;
        }
        table.set(i, newHost | L2Entry.COPIED, newBitmap);
        if ((hasHost || wasCompressed) && !resources.hasExternalData()) {
            pendingFrees.add(entry);
        }
        batch.add(clusterStart, Math.min(clusterSize, image.size() - clusterStart), true);
    }

    /** Whether a cluster of this type reads as zeros without asking the backing file. */
    private boolean readsAsZeros(SubclusterType type) {
        return type.isZero() || (type == SubclusterType.UNALLOCATED_PLAIN && resources.backing() == null);
    }

    /**
     * Fills a newly allocated host cluster: the new data plus the cluster's current guest content around it.
     * A cluster past the end of the file already reads as zeros, so when the content around the data is zeros
     * only the data is written (and the file extended sparsely to the cluster's end) instead of a whole cluster.
     * {@code readsAsZeros} says the old content is zeros without looking (unallocated without a backing file, or
     * a zero cluster): then nothing is read and nothing scanned, which is most of the cost of a small write.
     */
    private void writeNewCluster(long host, long clusterStart, int inCluster, ByteBuffer chunk, boolean readsAsZeros)
            throws IOException {
        int n = chunk.remaining();
        if (inCluster == 0 && n == clusterSize) {
            writeData(host, chunk);
            return;
        }
        boolean pastEnd = host >= resources.data().size();
        if (readsAsZeros && pastEnd) {
            writeSparse(host, inCluster, chunk);
            return;
        }
        byte[] buf = readsAsZeros ? new byte[clusterSize] : merged(clusterStart, 0, clusterSize, inCluster, chunk);
        if (readsAsZeros) {
            chunk.duplicate().get(buf, inCluster, n);
        } else if (pastEnd && Buffers.isZero(buf, 0, inCluster) && Buffers.isZero(buf, inCluster + n, clusterSize)) {
            writeSparse(host, inCluster, ByteBuffer.wrap(buf, inCluster, n));
            return;
        }
        writeData(host, ByteBuffer.wrap(buf));
    }

    /** Writes data into a new cluster past the end of the file and extends the file sparsely to its end. */
    private void writeSparse(long host, int inCluster, ByteBuffer data) throws IOException {
        int end = inCluster + data.remaining();
        writeData(host + inCluster, data);
        if (end < clusterSize) {
            resources.data().write(host + clusterSize - 1, ByteBuffer.allocate(1));
        }
    }

    /** Current guest bytes {@code [from, to)} of the cluster with {@code chunk} laid over at {@code at}. */
    private byte[] merged(long clusterStart, int from, int to, int at, ByteBuffer chunk) throws IOException {
        byte[] buf = new byte[to - from];
        long start = clusterStart + from;
        int inDisk = (int) Math.max(0, Math.min(to - from, image.size() - start));
        int chunkFrom = at - from;
        int chunkTo = chunkFrom + chunk.remaining();
        // Only read what the new data does not cover.
        if (chunkFrom > 0) {
            image.readWithinCluster(start, ByteBuffer.wrap(buf, 0, Math.min(chunkFrom, inDisk)));
        }
        if (chunkTo < inDisk) {
            image.readWithinCluster(start + chunkTo, ByteBuffer.wrap(buf, chunkTo, inDisk - chunkTo));
        }
        chunk.duplicate().get(buf, chunkFrom, chunk.remaining());
        return buf;
    }

    private void writeData(long host, ByteBuffer data) throws IOException {
        if (!resources.hasExternalData()) {
            guard.checkData(host, data.remaining());
        }
        resources.data().write(host, data);
    }

    private boolean hasHostCluster(long entry) {
        return L2Entry.hasHostCluster(entry, resources.hasExternalData());
    }

    /** The L2 table for guest cluster {@code g}, allocating it (QEMU's order) if the L1 entry is empty. */
    private L2Table l2ForWrite(long g) throws IOException {
        int l1Index = lookup.l1Index(g);
        long l2Offset = lookup.l2Offset(l1Index);
        if (l2Offset != 0) {
            long l1Entry = lookup.l1().entry(l1Index);
            if (!L1Entry.isCopied(l1Entry)) {
                if (refcounts.get(l2Offset >>> clusterBits) != 1) {
                    return copyOnWriteL2(l1Index, l2Offset);
                }
                lookup.l1().set(resources.image(), l1Index, l1Entry | L1Entry.COPIED);
            }
            return lookup.table(l2Offset);
        }
        long offset = allocator.allocate();
        L2Table table = L2Table.empty(offset, clusterSize, extended);
        guard.addL2Table(offset);
        refcounts.writeDirty(guard);
        guard.checkMetadata("an L2 table", offset, true);
        resources.image().write(offset, table.encode());
        resources.image().sync(); // refcount and table on disk before the L1 entry makes them reachable
        lookup.l1().set(resources.image(), l1Index, L1Entry.owned(offset));
        lookup.l2Cache().put(table);
        return table;
    }

    /**
     * The L2 table is shared with an internal snapshot: give the active L1 table its own copy (QEMU's
     * l2_allocate). The data clusters keep their refcounts (they count referencing L1 trees, not L2 tables), and
     * since none of them is COPIED, writes into them copy on write as well. The old table drops our reference
     * once the L1 change is durable.
     */
    private L2Table copyOnWriteL2(int l1Index, long oldOffset) throws IOException {
        L2Table copy = lookup.table(oldOffset).copyTo(allocator.allocate());
        guard.addL2Table(copy.offset());
        refcounts.writeDirty(guard);
        guard.checkMetadata("an L2 table", copy.offset(), true);
        resources.image().write(copy.offset(), copy.encode());
        resources.image().sync();
        lookup.l1().set(resources.image(), l1Index, L1Entry.owned(copy.offset()));
        lookup.l2Cache().put(copy);
        pendingFrees.add(oldOffset);
        return copy;
    }

    // ----- write zeroes and discard -----------------------------------------------------------------------------

    void writeZeroes(long offset, long length, boolean mayDeallocate) throws IOException {
        image.checkRange(offset, length);
        changeMetadata(batch -> {
            long pos = offset;
            long end = offset + length;
            while (pos < end) {
                long g = pos >>> clusterBits;
                long skipTo = endOfEmptyL2Span(g);
                if (skipTo > 0) {
                    pos = Math.min(end, skipTo);
                    continue;
                }
                long clusterStart = g << clusterBits;
                int from = (int) (pos - clusterStart);
                int to = (int) (Math.min(end, clusterStart + clusterSize) - clusterStart);
                int valid = (int) Math.min(clusterSize, image.size() - clusterStart);
                if (from == 0 && to >= valid && zeroWholeCluster(g, mayDeallocate, batch)) {
                    pos = clusterStart + to;
                    writeBackIfCrowded();
                    continue;
                }
                int zFrom = from;
                int zTo = from;
                if (extended) {
                    int aFrom = (from + subclusterSize - 1) / subclusterSize * subclusterSize;
                    int aTo = to >= valid ? Math.min(clusterSize, (to + subclusterSize - 1) / subclusterSize
                            * subclusterSize) : to / subclusterSize * subclusterSize;
                    if (aFrom < aTo && zeroSubclusters(g, aFrom / subclusterSize, (aTo - 1) / subclusterSize)) {
                        zFrom = aFrom;
                        zTo = Math.min(aTo, to);
                    }
                }
                writeRealZeros(clusterStart + from, zFrom - from, batch);
                writeRealZeros(clusterStart + zTo, to - zTo, batch);
                pos = clusterStart + to;
                writeBackIfCrowded();
            }
        });
    }

    private interface MetadataChange {
        void apply(AllocationEvents.Batch batch) throws IOException;
    }

    /**
     * Runs a change under the allocation lock; clusters it freed become reusable at its end (their L2 changes are
     * made durable first), and its allocation events are published after the lock is released.
     */
    private void changeMetadata(MetadataChange change) throws IOException {
        AllocationEvents.Batch batch = events.batch();
        lock.writeLock().lock();
        try {
            change.apply(batch);
            if (!pendingFrees.isEmpty()) {
                writeBack();
            }
        } finally {
            lock.writeLock().unlock();
            publish(batch);
        }
    }

    /**
     * When guest cluster {@code g} has no L2 table and there is no backing file, everything up to the end of that
     * L2 table's range reads as zeros already: returns that end (a guest offset), else 0. Zeroing or discarding a
     * whole sparse disk thus costs one step per L1 entry, not one per cluster.
     */
    private long endOfEmptyL2Span(long g) throws EngineException {
        int l1Index = lookup.l1Index(g);
        if (resources.backing() != null || lookup.l2Offset(l1Index) != 0) {
            return 0;
        }
        return (l1Index + 1L) * header.bytesPerL2Table();
    }

    private void writeRealZeros(long pos, int n, AllocationEvents.Batch batch) throws IOException {
        if (n > 0) {
            writeAllocating(pos, ByteBuffer.allocate(n), batch);
        }
    }

    /** Makes a whole cluster read as zeros through metadata; false when only writing zeros can do it (v2). */
    private boolean zeroWholeCluster(long g, boolean mayDeallocate, AllocationEvents.Batch batch) throws IOException {
        boolean noL2 = lookup.l2Offset(lookup.l1Index(g)) == 0;
        GuestLayer backing = resources.backing();
        if (header.version() < 3) {
            if (backing != null || !mayDeallocate) {
                return false;
            }
            if (!noL2) {
                replaceEntry(g, 0, 0, false, batch);
            }
            return true;
        }
        if (noL2 && backing == null) {
            return true; // unallocated without a backing file already reads as zeros
        }
        L2Table table = l2ForWrite(g);
        long entry = table.entry(lookup.l2Index(g));
        if (entry == 0 && table.bitmap(lookup.l2Index(g)) == 0 && backing == null) {
            return true; // unallocated without a backing file: already zeros
        }
        boolean keep = !mayDeallocate && hasHostCluster(entry) && L2Entry.isCopied(entry);
        if (extended) {
            replaceEntry(g, keep ? entry : 0, L2Entry.ALL_ZEROES_BITMAP, keep, batch);
        } else {
            replaceEntry(g, keep ? entry | L2Entry.ZERO : L2Entry.ZERO, 0, keep, batch);
        }
        return true;
    }

    private boolean zeroSubclusters(long g, int first, int last) throws IOException {
        L2Table table = l2ForWrite(g);
        int i = lookup.l2Index(g);
        long entry = table.entry(i);
        if (L2Entry.isCompressed(entry)) {
            return false;
        }
        long bits = L2Entry.allocationBits(first, last);
        table.set(i, entry, (table.bitmap(i) & ~bits) | (bits << 32));
        return true;
    }

    /**
     * Sets a new L2 entry for guest cluster {@code g}; the old host cluster is freed after the change is durable,
     * unless {@code keepsHost}.
     */
    private void replaceEntry(long g, long newEntry, long newBitmap, boolean keepsHost, AllocationEvents.Batch batch)
            throws IOException {
        L2Table table = l2ForWrite(g);
        int i = lookup.l2Index(g);
        long old = table.entry(i);
        if (old == newEntry && table.bitmap(i) == newBitmap) {
            return;
        }
        table.set(i, newEntry, newBitmap);
        boolean hadHost = L2Entry.hasHostData(old, resources.hasExternalData());
        if (hadHost && !keepsHost) {
            if (!resources.hasExternalData()) {
                pendingFrees.add(old);
            }
            long start = g << clusterBits;
            batch.add(start, Math.min(clusterSize, image.size() - start), false);
        }
    }

    void discard(long offset, long length) throws IOException {
        image.checkRange(offset, length);
        long end = offset + length;
        long first = Qcow2Header.ceilDiv(offset, clusterSize);
        long last = end == image.size() ? Qcow2Header.ceilDiv(end, clusterSize) : end >>> clusterBits;
        changeMetadata(batch -> {
            long g = first;
            while (g < last) {
                long skipTo = endOfEmptyL2Span(g);
                if (skipTo > 0) {
                    g = skipTo >>> clusterBits;
                    continue;
                }
                discardCluster(g, batch);
                writeBackIfCrowded();
                g++;
            }
        });
    }

    /** As QEMU's discard: the cluster is freed and reads as zeros (v3) or from the backing file (v2). */
    private void discardCluster(long g, AllocationEvents.Batch batch) throws IOException {
        boolean backing = resources.backing() != null;
        if (lookup.l2Offset(lookup.l1Index(g)) == 0 && !backing) {
            return;
        }
        long entry = lookup.lookup(g).entry();
        boolean allocated = L2Entry.hasHostData(entry, resources.hasExternalData());
        if (!backing && !allocated) {
            return;
        }
        if (extended) {
            replaceEntry(g, 0, L2Entry.ALL_ZEROES_BITMAP, false, batch);
        } else {
            replaceEntry(g, header.version() >= 3 ? L2Entry.ZERO : 0, 0, false, batch);
        }
    }

    // ----- write-back and flush ---------------------------------------------------------------------------------

    /** Pending frees held before a write-back makes them effective; bounds memory during huge discards. */
    private static final int MAX_PENDING_FREES = 65536;

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

    private void writeBackIfCrowded() throws IOException {
        if (lookup.l2Cache().dirtyCount() > l2DirtyLimit
                || pendingFrees.size() > MAX_PENDING_FREES) {
            writeBack();
        }
        if (refcounts.dirtyBlocks() * 2 > refcounts.cacheCapacity()) {
            refcounts.writeDirty(guard); // always safe: decrements are applied only after their L2 change is durable
        }
    }

    /** Writes dirty L2 tables (after the refcounts and data they depend on are durable), then applies frees. */
    private void writeBack() throws IOException {
        List<L2Table> dirty = lookup.l2Cache().dirty();
        if (!dirty.isEmpty()) {
            refcounts.writeDirty(guard);
            syncAll();
            for (L2Table t : dirty) {
                guard.checkMetadata("an L2 table", t.offset(), true);
                resources.image().write(t.offset(), t.encode());
                t.markClean();
            }
            lookup.l2Cache().trim();
        }
        if (!pendingFrees.isEmpty()) {
            resources.image().sync(); // the cleared entries are on disk: now the clusters may drop their refcounts
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

    private void syncAll() throws IOException {
        if (resources.hasExternalData()) {
            resources.data().sync();
        }
        resources.image().sync();
    }

    void flush() throws IOException {
        lock.writeLock().lock();
        try {
            writeBack();
            refcounts.writeDirty(guard);
            syncAll();
        } finally {
            lock.writeLock().unlock();
        }
    }

    void close() throws IOException {
        flush();
    }

    private void publish(AllocationEvents.Batch batch) throws IOException {
        if (!batch.isEmpty()) {
            batch.publish(resources.image().size());
        }
    }
}
