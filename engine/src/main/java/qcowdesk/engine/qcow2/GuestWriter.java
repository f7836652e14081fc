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
 * The guest's changes: write, write-zeroes, discard. It plans them cluster by cluster and writes guest data; every
 * metadata change (allocation, L2 entries, frees) goes through the {@link MetadataStore}, which writes metadata in
 * its order; the bytes around a partial write come from a {@link CowReader}. Writes into clusters allocated with
 * refcount one run under the read lock, in parallel; everything else under the write (allocation) lock.
 */
final class GuestWriter {

    private final MetadataStore store;
    private final ClusterLookup lookup;
    private final CowReader reader;
    private final ImageResources resources;
    private final ReentrantReadWriteLock lock;
    private final AllocationEvents events;
    private final int version;
    private final long size;
    private final long bytesPerL2Table;
    private final int clusterBits;
    private final int clusterSize;
    private final int subclusterSize;
    private final boolean extended;

    GuestWriter(MetadataStore store, CowReader reader, ImageResources resources, AllocationEvents events) {
        this.store = store;
        this.lookup = store.lookup();
        this.reader = reader;
        this.resources = resources;
        this.lock = store.lock();
        this.events = events;
        Qcow2Header header = store.header(); // the geometry, which never changes while the image is open
        this.version = header.version();
        this.size = header.size();
        this.bytesPerL2Table = header.bytesPerL2Table();
        this.clusterBits = header.clusterBits();
        this.clusterSize = header.clusterSize();
        this.extended = header.hasExtendedL2();
        this.subclusterSize = extended ? clusterSize / L2Entry.SUBCLUSTERS : clusterSize;
    }

    // ----- write ------------------------------------------------------------------------------------------------

    void write(long offset, ByteBuffer src) throws IOException {
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
                        store.writeBackIfCrowded();
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
        L2Table table = store.l2ForWrite(g);
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
                store.setL2Entry(table, i, host | L2Entry.COPIED, 0);
            } else {
                writeData(host + subFrom, ByteBuffer.wrap(merged(clusterStart, subFrom, subTo, inCluster, chunk)));
                store.setL2Entry(table, i, entry, (bitmap | touchedBits) & ~(touchedBits << 32));
            }
            return;
        }

        long newHost = resources.hasExternalData() ? clusterStart : store.allocateDataCluster();
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
        store.setL2Entry(table, i, newHost | L2Entry.COPIED, newBitmap);
        if (hasHost || wasCompressed) {
            store.freeLater(entry);
        }
        batch.add(clusterStart, Math.min(clusterSize, size - clusterStart), true);
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

    /**
     * Writes data into a new cluster past the end of the file: only the data, one system call. The file may then
     * end inside the cluster; the rest reads as zeros (for us and for QEMU, which both read past the end as
     * zeros), and whatever is allocated later lies past it.
     */
    private void writeSparse(long host, int inCluster, ByteBuffer data) throws IOException {
        writeData(host + inCluster, data);
    }

    /** Current guest bytes {@code [from, to)} of the cluster with {@code chunk} laid over at {@code at}. */
    private byte[] merged(long clusterStart, int from, int to, int at, ByteBuffer chunk) throws IOException {
        byte[] buf = new byte[to - from];
        long start = clusterStart + from;
        int inDisk = (int) Math.max(0, Math.min(to - from, size - start));
        int chunkFrom = at - from;
        int chunkTo = chunkFrom + chunk.remaining();
        // Only read what the new data does not cover.
        if (chunkFrom > 0) {
            reader.readWithinCluster(start, ByteBuffer.wrap(buf, 0, Math.min(chunkFrom, inDisk)));
        }
        if (chunkTo < inDisk) {
            reader.readWithinCluster(start + chunkTo, ByteBuffer.wrap(buf, chunkTo, inDisk - chunkTo));
        }
        chunk.duplicate().get(buf, chunkFrom, chunk.remaining());
        return buf;
    }

    private void writeData(long host, ByteBuffer data) throws IOException {
        store.checkData(host, data.remaining());
        resources.data().write(host, data);
    }

    private boolean hasHostCluster(long entry) {
        return L2Entry.hasHostCluster(entry, resources.hasExternalData());
    }

    // ----- write zeroes and discard -----------------------------------------------------------------------------

    void writeZeroes(long offset, long length, boolean mayDeallocate) throws IOException {
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
                int valid = (int) Math.min(clusterSize, size - clusterStart);
                if (from == 0 && to >= valid && zeroWholeCluster(g, mayDeallocate, batch)) {
                    pos = clusterStart + to;
                    store.writeBackIfCrowded();
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
                store.writeBackIfCrowded();
            }
        });
    }

    private interface MetadataChange {
        void apply(AllocationEvents.Batch batch) throws IOException;
    }

    /**
     * Runs a change under the allocation lock; clusters it freed become reusable at its end (the store makes their
     * unlinking durable first), and its allocation events are published after the lock is released.
     */
    private void changeMetadata(MetadataChange change) throws IOException {
        AllocationEvents.Batch batch = events.batch();
        lock.writeLock().lock();
        try {
            change.apply(batch);
            store.endChange();
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
        return (l1Index + 1L) * bytesPerL2Table;
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
        if (version < 3) {
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
        L2Table table = store.l2ForWrite(g);
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
        L2Table table = store.l2ForWrite(g);
        int i = lookup.l2Index(g);
        long entry = table.entry(i);
        if (L2Entry.isCompressed(entry)) {
            return false;
        }
        long bits = L2Entry.allocationBits(first, last);
        store.setL2Entry(table, i, entry, (table.bitmap(i) & ~bits) | (bits << 32));
        return true;
    }

    /**
     * Sets a new L2 entry for guest cluster {@code g}; the old host cluster is freed after the change is durable,
     * unless {@code keepsHost}.
     */
    private void replaceEntry(long g, long newEntry, long newBitmap, boolean keepsHost, AllocationEvents.Batch batch)
            throws IOException {
        L2Table table = store.l2ForWrite(g);
        int i = lookup.l2Index(g);
        long old = table.entry(i);
        if (old == newEntry && table.bitmap(i) == newBitmap) {
            return;
        }
        store.setL2Entry(table, i, newEntry, newBitmap);
        boolean hadHost = L2Entry.hasHostData(old, resources.hasExternalData());
        if (hadHost && !keepsHost) {
            store.freeLater(old);
            long start = g << clusterBits;
            batch.add(start, Math.min(clusterSize, size - start), false);
        }
    }

    void discard(long offset, long length) throws IOException {
        long end = offset + length;
        long first = Qcow2Header.ceilDiv(offset, clusterSize);
        long last = end == size ? Qcow2Header.ceilDiv(end, clusterSize) : end >>> clusterBits;
        changeMetadata(batch -> {
            long g = first;
            while (g < last) {
                long skipTo = endOfEmptyL2Span(g);
                if (skipTo > 0) {
                    g = skipTo >>> clusterBits;
                    continue;
                }
                discardCluster(g, batch);
                store.writeBackIfCrowded();
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
            replaceEntry(g, version >= 3 ? L2Entry.ZERO : 0, 0, false, batch);
        }
    }

    private void publish(AllocationEvents.Batch batch) throws IOException {
        if (!batch.isEmpty()) {
            batch.publish(store.fileEnd());
        }
    }
}
