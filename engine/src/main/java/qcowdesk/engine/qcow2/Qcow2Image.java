package qcowdesk.engine.qcow2;

import qcowdesk.engine.qcow2.format.Qcow2Header;
import qcowdesk.engine.qcow2.format.L2Entry;
import qcowdesk.engine.qcow2.format.SubclusterType;

import qcowdesk.engine.AllocationEvent;
import qcowdesk.engine.EngineException;
import qcowdesk.engine.ErrorCode;
import qcowdesk.engine.MapEntry;
import qcowdesk.engine.VirtualDisk;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;
import java.nio.file.Path;

/**
 * A QCOW2 image opened as a virtual disk.
 *
 * <p>Locking: a read-write lock guards the metadata. Reads, and writes into clusters that are already allocated
 * with refcount one (COPIED), hold the read lock, so they run in parallel; anything that changes metadata
 * (allocation, zeroing, discard, flush) holds the write lock, which is the allocation lock.
 */
public final class Qcow2Image implements VirtualDisk, GuestLayer {

    private final Path path;
    private final OpenOptions options;
    private final ImageResources resources;
    private final Qcow2Header header;
    private final ClusterLookup lookup;
    private final CompressedClusterReader compressed;
    private final ReentrantReadWriteLock metadataLock = new ReentrantReadWriteLock();
    private final AllocationEvents events = new AllocationEvents();
    private final WritePath writer;
    private volatile boolean closed;
    /** Loaded on first use by {@link #refcount} on read-only images (guarded by the metadata write lock). */
    private RefcountTable readOnlyRefcounts;

    private Qcow2Image(Path path, OpenOptions options, ImageResources resources) throws IOException {
        this.path = path;
        this.options = options;
        this.resources = resources;
        this.header = resources.header();
        L1Table l1 = L1Table.read(resources.image(), header);
        this.lookup = new ClusterLookup(header, resources.image(), l1, l2CacheTables(header, options));
        this.compressed = new CompressedClusterReader(resources.image(), header.clusterBits(),
                header.compressionType());
        this.writer = options.isReadOnly() ? null
                : WritePath.open(this, resources, lookup, compressed, metadataLock, events);
    }

    /** Opens and validates an image. Read-only opens share the file with any writer (like qemu-img -U). */
    public static Qcow2Image open(Path path, OpenOptions options) throws IOException {
        return open(path, options, new ChainGuard());
    }

    static Qcow2Image open(Path path, OpenOptions options, ChainGuard chain) throws IOException {
        ImageResources resources = ImageResources.open(path, options, chain);
        try {
            return new Qcow2Image(path, options, resources);
        } catch (IOException | RuntimeException e) {
            resources.close();
            throw e;
        }
    }

    /**
     * Changes the virtual size of the image at {@code path} (qemu-img resize), which nobody else may have open for
     * writing. See {@link Resize} for what is refused and why every step is crash-safe.
     */
    public static void resize(Path path, long newSize, boolean allowShrink) throws IOException {
        try (Qcow2Image image = open(path, OpenOptions.readWrite())) {
            image.metadataLock.writeLock().lock();
            try {
                new Resize(image, image.resources.image(), image.lookup.l1()).to(newSize, allowShrink);
            } finally {
                image.metadataLock.writeLock().unlock();
            }
        }
    }

    private static int l2CacheTables(Qcow2Header header, OpenOptions options) {
        long wanted = options.l2CacheBytes() > 0 ? options.l2CacheBytes()
                : Math.min(OpenOptions.DEFAULT_MAX_L2_CACHE, Math.max(1, header.neededL1Entries()) * header.clusterSize());
        return (int) Math.max(4, Math.min(Integer.MAX_VALUE, wanted / header.clusterSize()));
    }

    // ----- accessors --------------------------------------------------------------------------------------------

    /** The image's header; for writable images it follows in-place updates (e.g. a moved refcount table). */
    public Qcow2Header header() {
        return writer == null ? header : writer.header();
    }

    public Path path() {
        return path;
    }

    /** Size of the image file in bytes. */
    public long fileSize() throws IOException {
        return resources.image().size();
    }

    @Override
    public long size() {
        return header.size();
    }

    @Override
    public boolean isReadOnly() {
        return options.isReadOnly();
    }

    @Override
    public int clusterSize() {
        return header.clusterSize();
    }

    // ----- metadata access for tests ------------------------------------------------------------------------

    /** Refcount of the host cluster with index {@code hostCluster} (host offset / cluster size). */
    long refcount(long hostCluster) throws IOException {
        metadataLock.writeLock().lock();
        try {
            if (writer != null) {
                return writer.refcounts().get(hostCluster);
            }
            if (readOnlyRefcounts == null) {
                readOnlyRefcounts = RefcountTable.load(resources.image(), header);
            }
            return readOnlyRefcounts.get(hostCluster);
        } finally {
            metadataLock.writeLock().unlock();
        }
    }

    /** The type of the (sub)cluster covering guest offset {@code guestOffset} in this layer alone. */
    SubclusterType subclusterType(long guestOffset) throws IOException {
        checkRange(guestOffset, 1);
        metadataLock.readLock().lock();
        try {
            long g = guestOffset >>> header.clusterBits();
            ClusterLookup.Mapping m = lookup.lookup(g);
            return lookup.classify(m.entry(), m.bitmap(), subcluster(guestOffset), g);
        } finally {
            metadataLock.readLock().unlock();
        }
    }

    /** L2 tables currently cached, and the cache's capacity (for tests of the memory bound). */
    int[] l2CacheUsage() {
        return new int[]{lookup.l2Cache().size(), lookup.l2Cache().capacity()};
    }

    // ----- reading ----------------------------------------------------------------------------------------------

    @Override
    public void read(long offset, ByteBuffer dst) throws IOException {
        ensureOpen();
        checkRange(offset, dst.remaining());
        readLayer(offset, dst);
    }

    /** Guest bytes read under one acquisition of the read lock, so that writers are not starved by big reads. */
    private static final int READ_BATCH = 4 << 20;

    @Override
    public void readLayer(long offset, ByteBuffer dst) throws IOException {
        long pos = offset;
        while (dst.hasRemaining()) {
            if (pos >= header.size()) {
                Buffers.zero(dst, dst.remaining());
                return;
            }
            int n = (int) Math.min(Math.min(dst.remaining(), READ_BATCH), header.size() - pos);
            ByteBuffer batch = Buffers.take(dst, n);
            metadataLock.readLock().lock();
            try {
                readBatch(pos, batch);
            } finally {
                metadataLock.readLock().unlock();
            }
            pos += n;
        }
    }

    /**
     * Reads a range cluster by cluster, joining clusters whose data lies back to back in the file into one
     * positional read. Caller holds the read lock.
     */
    private void readBatch(long offset, ByteBuffer dst) throws IOException {
        long pos = offset;
        long runHost = -1;
        int runStart = 0;
        int runLength = 0;
        while (dst.hasRemaining()) {
            int inCluster = (int) (pos & (header.clusterSize() - 1));
            int n = Math.min(dst.remaining(), header.clusterSize() - inCluster);
            long host = plainDataOffset(pos, n);
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
                    readWithinCluster(pos, Buffers.take(dst, n));
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
            resources.data().read(host, run);
        }
    }

    /** Host offset of guest bytes {@code [pos, pos+n)} (within one cluster) when they are plain data, else -1. */
    private long plainDataOffset(long pos, int n) throws IOException {
        long g = pos >>> header.clusterBits();
        ClusterLookup.Mapping m = lookup.lookup(g);
        if (m.table() == null || L2Entry.isCompressed(m.entry())) {
            return -1;
        }
        int inCluster = (int) (pos & (header.clusterSize() - 1));
        for (int s = subcluster(pos); s <= subcluster(pos + n - 1); s++) {
            if (lookup.classify(m.entry(), m.bitmap(), s, g) != SubclusterType.NORMAL) {
                return -1;
            }
        }
        return L2Entry.offset(m.entry()) + inCluster;
    }

    /** Reads guest bytes that lie within one cluster. Caller holds the metadata lock (read or write). */
    void readWithinCluster(long pos, ByteBuffer dst) throws IOException {
        long g = pos >>> header.clusterBits();
        int inCluster = (int) (pos & (header.clusterSize() - 1));
        ClusterLookup.Mapping m = lookup.lookup(g);
        long clusterStart = g << header.clusterBits();
        if (L2Entry.isCompressed(m.entry())) {
            lookup.classify(m.entry(), m.bitmap(), 0, g);
            dst.put(compressed.read(m.entry()), inCluster, dst.remaining());
            return;
        }
        int at = inCluster;
        int limit = inCluster + dst.remaining();
        while (dst.hasRemaining()) {
            int runEnd = runEnd(m, g, at, limit);
            SubclusterType type = lookup.classify(m.entry(), m.bitmap(), subcluster(at), g);
            ByteBuffer part = Buffers.take(dst, runEnd - at);
            switch (type) {
                case NORMAL -> resources.data().read(L2Entry.offset(m.entry()) + at, part);
                case ZERO_PLAIN, ZERO_ALLOC -> Buffers.zero(part, part.remaining());
                default -> readBelow(clusterStart + at, part);
            }
            at = runEnd;
        }
    }

    /** Reads unallocated guest bytes from the backing chain, or zeros without one. */
    void readBelow(long guestOffset, ByteBuffer dst) throws IOException {
        if (resources.backing() != null) {
            resources.backing().readLayer(guestOffset, dst);
        } else {
            Buffers.zero(dst, dst.remaining());
        }
    }

    /** End (offset in cluster) of the run of subclusters of the same type that starts at {@code at}. */
    private int runEnd(ClusterLookup.Mapping m, long g, int at, int limit) throws EngineException {
        if (!header.hasExtendedL2()) {
            return limit;
        }
        int subSize = header.clusterSize() / L2Entry.SUBCLUSTERS;
        SubclusterType type = lookup.classify(m.entry(), m.bitmap(), at / subSize, g);
        int end = (at / subSize + 1) * subSize;
        while (end < limit && lookup.classify(m.entry(), m.bitmap(), end / subSize, g) == type) {
            end += subSize;
        }
        return Math.min(end, limit);
    }

    int subcluster(long offset) {
        if (!header.hasExtendedL2()) {
            return 0;
        }
        return (int) ((offset & (header.clusterSize() - 1)) / (header.clusterSize() / L2Entry.SUBCLUSTERS));
    }

    // ----- map --------------------------------------------------------------------------------------------------

    @Override
    public List<MapEntry> map(long offset, long length) throws IOException {
        ensureOpen();
        checkRange(offset, length);
        MapBuilder out = new MapBuilder();
        mapLayer(offset, length, 0, out);
        return out.entries();
    }

    @Override
    public void mapLayer(long offset, long length, int depth, MapBuilder out) throws IOException {
        long end = offset + length;
        long inside = Math.min(end, header.size());
        long pos = offset;
        int clusterSize = header.clusterSize();
        while (pos < inside && !out.full()) {
            long g = pos >>> header.clusterBits();
            metadataLock.readLock().lock();
            try {
                if (lookup.l2Offset(lookup.l1Index(g)) == 0) {
                    long spanEnd = Math.min(inside, (lookup.l1Index(g) + 1L) * header.bytesPerL2Table());
                    mapUnallocated(pos, spanEnd - pos, depth, MapEntry.NO_OFFSET, out);
                    pos = spanEnd;
                    continue;
                }
                ClusterLookup.Mapping m = lookup.lookup(g);
                long clusterStart = g << header.clusterBits();
                int at = (int) (pos - clusterStart);
                int limit = (int) (Math.min(inside, clusterStart + clusterSize) - clusterStart);
                while (at < limit) {
                    int runEnd = L2Entry.isCompressed(m.entry()) ? limit : runEnd(m, g, at, limit);
                    SubclusterType type = lookup.classify(m.entry(), m.bitmap(), subcluster(at), g);
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
                metadataLock.readLock().unlock();
            }
        }
        if (pos >= header.size() && end > pos) {
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

    // ----- writing ----------------------------------------------------------------------------------------------

    @Override
    public void write(long offset, ByteBuffer src) throws IOException {
        writable().write(offset, src);
    }

    @Override
    public void writeZeroes(long offset, long length, boolean mayDeallocate) throws IOException {
        writable().writeZeroes(offset, length, mayDeallocate);
    }

    @Override
    public boolean zeroesFast(long offset, long length, boolean mayDeallocate) {
        return new ZeroingCost(header.version(), resources.backing() != null, header.clusterSize(), size())
                .isMetadataOnly(offset, length, mayDeallocate);
    }

    @Override
    public void discard(long offset, long length) throws IOException {
        writable().discard(offset, length);
    }

    @Override
    public void flush() throws IOException {
        ensureOpen();
        if (writer != null) {
            writer.flush();
        }
    }

    @Override
    public Subscription onAllocation(Consumer<AllocationEvent> listener) {
        return events.subscribe(listener);
    }

    private WritePath writable() throws EngineException {
        ensureOpen();
        if (writer == null) {
            throw new EngineException(ErrorCode.READ_ONLY_FILE, path + " is open read-only");
        }
        return writer;
    }

    void checkRange(long offset, long length) throws EngineException {
        if (offset < 0 || length < 0 || offset > header.size() - length) {
            throw new EngineException(ErrorCode.INVALID_ARGUMENT, String.format(
                    "range [%d, +%d) is outside the disk (%d bytes)", offset, length, header.size()));
        }
    }

    private void ensureOpen() throws EngineException {
        if (closed) {
            throw new EngineException(ErrorCode.INVALID_ARGUMENT, path + " is closed");
        }
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        metadataLock.writeLock().lock();
        try {
            closed = true;
            if (writer != null) {
                writer.close();
            }
        } finally {
            metadataLock.writeLock().unlock();
            resources.close();
        }
    }

    @Override
    public String toString() {
        return "Qcow2Image[" + path + (options.isReadOnly() ? ", read-only" : "") + "]";
    }
}
