package qcowdesk.engine.qcow2;

import qcowdesk.engine.MapEntry;
import qcowdesk.engine.qcow2.format.L2Entry;
import qcowdesk.engine.qcow2.format.Qcow2Header;
import qcowdesk.engine.qcow2.format.SubclusterType;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Guest reads and maps of one image layer, under the metadata store's read lock. A read makes one pass over the
 * metadata: each cluster is looked up once, its data read (back-to-back host clusters joined into one positional
 * read), and the runs that read as zeros reported on the way. Ranges are not checked here: they were checked
 * once, at the edge (the image's public entry points, or the NBD request validator before the unchecked reads).
 */
final class GuestReader implements CowReader {

    /** Guest bytes read under one acquisition of the read lock, so that writers are not starved by big reads. */
    private static final int READ_BATCH = 4 << 20;

    private final long size;
    private final long bytesPerL2Table;
    private final ClusterLookup lookup;
    private final CompressedClusterReader compressed;
    private final ReentrantReadWriteLock lock;
    private final ImageResources resources;
    /** Where the data clusters may lie: a read past it is refused as corruption. */
    private final HostLimit dataLimit;
    private final int clusterBits;
    private final int clusterSize;
    private final int subclusterSize;
    private final boolean extended;

    GuestReader(MetadataStore store, ImageResources resources) throws IOException {
        Qcow2Header header = store.header(); // the geometry, which never changes while the image is open
        this.size = header.size();
        this.bytesPerL2Table = header.bytesPerL2Table();
        this.lookup = store.lookup();
        this.compressed = store.compressed();
        this.lock = store.lock();
        this.resources = resources;
        this.clusterBits = header.clusterBits();
        this.clusterSize = header.clusterSize();
        this.extended = header.hasExtendedL2();
        this.subclusterSize = extended ? clusterSize / L2Entry.SUBCLUSTERS : clusterSize;
        this.dataLimit = resources.hasExternalData() ? HostLimit.fixed(size, clusterSize)
                : HostLimit.ofImageFile(resources.data(), clusterSize);
    }

    /** Fills {@code dst} from {@code offset}; past the layer's size it reads zeros. Zero runs go to {@code zeros}. */
    void read(long offset, ByteBuffer dst, ZeroRuns zeros) throws IOException {
        long pos = offset;
        while (dst.hasRemaining()) {
            if (pos >= size) {
                if (zeros != null) {
                    zeros.add(pos, dst.remaining());
                }
                Buffers.zero(dst, dst.remaining());
                return;
            }
            int n = (int) Math.min(Math.min(dst.remaining(), READ_BATCH), size - pos);
            ByteBuffer batch = n == dst.remaining() ? dst : Buffers.take(dst, n); // the whole rest: no view needed
            lock.readLock().lock();
            try {
                readBatch(pos, batch, zeros);
            } finally {
                lock.readLock().unlock();
            }
            pos += n;
        }
    }

    /**
     * Reads a range cluster by cluster, one lookup per cluster, joining clusters whose data lies back to back in
     * the file into one positional read. Caller holds the read lock.
     */
    private void readBatch(long offset, ByteBuffer dst, ZeroRuns zeros) throws IOException {
        long pos = offset;
        long runHost = -1;
        int runStart = 0;
        int runLength = 0;
        while (dst.hasRemaining()) {
            long g = pos >>> clusterBits;
            int inCluster = (int) (pos & (clusterSize - 1));
            int n = Math.min(dst.remaining(), clusterSize - inCluster);
            ClusterLookup.Mapping m = lookup.lookup(g);
            long host = plainDataOffset(m, g, inCluster, n);
            if (host >= 0 && runLength > 0 && host == runHost + runLength) {
                runLength += n;
                dst.position(dst.position() + n);
            } else {
                readRun(dst, runStart, runLength, runHost);
                runLength = 0;
                if (host >= 0) {
                    runHost = host;
                    runStart = dst.position();
                    runLength = n;
                    dst.position(dst.position() + n);
                } else {
                    readWithinCluster(m, g, inCluster, Buffers.take(dst, n), zeros);
                }
            }
            pos += n;
        }
        readRun(dst, runStart, runLength, runHost);
    }

    private void readRun(ByteBuffer dst, int start, int length, long host) throws IOException {
        if (length > 0) {
            ByteBuffer run = dst.duplicate();
            run.limit(start + length).position(start);
            readData(host, run);
        }
    }

    /** Host offset of bytes {@code [inCluster, inCluster+n)} of the cluster when they are plain data, else -1. */
    private long plainDataOffset(ClusterLookup.Mapping m, long g, int inCluster, int n) throws IOException {
        if (m.table() == null || L2Entry.isCompressed(m.entry())) {
            return -1;
        }
        for (int s = inCluster / subclusterSize; s <= (inCluster + n - 1) / subclusterSize; s++) {
            if (lookup.classify(m.entry(), m.bitmap(), s, g) != SubclusterType.NORMAL) {
                return -1;
            }
        }
        return L2Entry.offset(m.entry()) + inCluster;
    }

    /** For copy on write: the current guest bytes within one cluster. Caller holds the metadata lock. */
    @Override
    public void readWithinCluster(long pos, ByteBuffer dst) throws IOException {
        long g = pos >>> clusterBits;
        readWithinCluster(lookup.lookup(g), g, (int) (pos & (clusterSize - 1)), dst, null);
    }

    private void readWithinCluster(ClusterLookup.Mapping m, long g, int inCluster, ByteBuffer dst, ZeroRuns zeros)
            throws IOException {
        long clusterStart = g << clusterBits;
        if (L2Entry.isCompressed(m.entry())) {
            lookup.classify(m.entry(), m.bitmap(), 0, g);
            dst.put(compressed.read(m.entry()), inCluster, dst.remaining());
            return;
        }
        int at = inCluster;
        int limit = inCluster + dst.remaining();
        while (dst.hasRemaining()) {
            int runEnd = runEnd(m, g, at, limit);
            SubclusterType type = lookup.classify(m.entry(), m.bitmap(), at / subclusterSize, g);
            ByteBuffer part = Buffers.take(dst, runEnd - at);
            switch (type) {
                case NORMAL -> readData(L2Entry.offset(m.entry()) + at, part);
                case ZERO_PLAIN, ZERO_ALLOC -> {
                    if (zeros != null) {
                        zeros.add(clusterStart + at, part.remaining());
                    }
                    Buffers.zero(part, part.remaining());
                }
                default -> readBelow(clusterStart + at, part, zeros);
            }
            at = runEnd;
        }
    }

    private void readData(long host, ByteBuffer dst) throws IOException {
        dataLimit.require(host, dst.remaining(), "guest data");
        resources.data().read(host, dst);
    }

    /** Reads unallocated guest bytes from the backing chain, or zeros without one. */
    private void readBelow(long guestOffset, ByteBuffer dst, ZeroRuns zeros) throws IOException {
        GuestLayer backing = resources.backing();
        if (backing != null) {
            backing.readLayer(guestOffset, dst, zeros);
            return;
        }
        if (zeros != null) {
            zeros.add(guestOffset, dst.remaining());
        }
        Buffers.zero(dst, dst.remaining());
    }

    /** End (offset in cluster) of the run of subclusters of the same type that starts at {@code at}. */
    private int runEnd(ClusterLookup.Mapping m, long g, int at, int limit) throws IOException {
        if (!extended) {
            return limit;
        }
        SubclusterType type = lookup.classify(m.entry(), m.bitmap(), at / subclusterSize, g);
        int end = (at / subclusterSize + 1) * subclusterSize;
        while (end < limit && lookup.classify(m.entry(), m.bitmap(), end / subclusterSize, g) == type) {
            end += subclusterSize;
        }
        return Math.min(end, limit);
    }

    /** The type of the (sub)cluster covering guest offset {@code guestOffset} in this layer alone. */
    SubclusterType subclusterType(long guestOffset) throws IOException {
        lock.readLock().lock();
        try {
            long g = guestOffset >>> clusterBits;
            ClusterLookup.Mapping m = lookup.lookup(g);
            return lookup.classify(m.entry(), m.bitmap(), (int) (guestOffset & (clusterSize - 1)) / subclusterSize,
                    g);
        } finally {
            lock.readLock().unlock();
        }
    }

    // ----- map --------------------------------------------------------------------------------------------------

    void map(long offset, long length, int depth, MapBuilder out) throws IOException {
        long end = offset + length;
        long inside = Math.min(end, size);
        long pos = offset;
        while (pos < inside && !out.full()) {
            long g = pos >>> clusterBits;
            lock.readLock().lock();
            try {
                if (lookup.l2Offset(lookup.l1Index(g)) == 0) {
                    long spanEnd = Math.min(inside, (lookup.l1Index(g) + 1L) * bytesPerL2Table);
                    mapUnallocated(pos, spanEnd - pos, depth, MapEntry.NO_OFFSET, out);
                    pos = spanEnd;
                    continue;
                }
                ClusterLookup.Mapping m = lookup.lookup(g);
                long clusterStart = g << clusterBits;
                int at = (int) (pos - clusterStart);
                int limit = (int) (Math.min(inside, clusterStart + clusterSize) - clusterStart);
                while (at < limit) {
                    int runEnd = L2Entry.isCompressed(m.entry()) ? limit : runEnd(m, g, at, limit);
                    SubclusterType type = lookup.classify(m.entry(), m.bitmap(), at / subclusterSize, g);
                    long start = clusterStart + at;
                    long len = runEnd - at;
                    long host = L2Entry.offset(m.entry()) + at;
                    switch (type) {
                        case NORMAL -> out.add(new MapEntry(start, len, depth, true, false, true, false, host));
                        case COMPRESSED -> out.add(new MapEntry(start, len, depth, true, false, true, true,
                                MapEntry.NO_OFFSET));
                        case ZERO_PLAIN -> out.add(new MapEntry(start, len, depth, true, true, false, false,
                                MapEntry.NO_OFFSET));
                        case ZERO_ALLOC -> out.add(new MapEntry(start, len, depth, true, true, false, false, host));
                        case UNALLOCATED_ALLOC -> mapUnallocated(start, len, depth, host, out);
                        default -> mapUnallocated(start, len, depth, MapEntry.NO_OFFSET, out);
                    }
                    at = runEnd;
                }
                pos = clusterStart + limit;
            } finally {
                lock.readLock().unlock();
            }
        }
        if (pos >= size && end > pos) {
            out.add(new MapEntry(pos, end - pos, depth, false, true, false, false, MapEntry.NO_OFFSET));
        }
    }

    /**
     * Maps a range this layer does not allocate, as qemu-img map does: it comes from the backing file; past the
     * backing file's end (or without one) it reads as zeros reported at this layer's depth, with the host offset of
     * an allocated cluster whose subclusters are unallocated.
     */
    private void mapUnallocated(long start, long length, int depth, long host, MapBuilder out) throws IOException {
        GuestLayer backing = resources.backing();
        long below = backing == null ? 0 : Math.max(0, Math.min(length, backing.size() - start));
        if (below > 0) {
            backing.mapLayer(start, below, depth + 1, out);
        }
        if (below < length) {
            long skipped = host == MapEntry.NO_OFFSET ? MapEntry.NO_OFFSET : host + below;
            out.add(new MapEntry(start + below, length - below, depth, false, true, false, false, skipped));
        }
    }
}
