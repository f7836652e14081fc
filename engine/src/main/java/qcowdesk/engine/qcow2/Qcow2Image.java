package qcowdesk.engine.qcow2;

import qcowdesk.engine.qcow2.format.HeaderLayout;
import qcowdesk.engine.qcow2.format.Qcow2Header;
import qcowdesk.engine.qcow2.format.SnapshotTable;
import java.nio.channels.FileChannel;
import qcowdesk.engine.qcow2.format.SubclusterType;

import qcowdesk.engine.AllocationEvent;
import qcowdesk.engine.EngineException;
import qcowdesk.engine.ErrorCode;
import qcowdesk.engine.MapEntry;
import qcowdesk.engine.VirtualDisk;
import qcowdesk.engine.ZeroRun;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.function.Consumer;
import java.nio.file.Path;

/**
 * A QCOW2 image opened as a virtual disk: the {@link MetadataStore} (the only writer of metadata, holding the
 * header and the metadata lock), a {@link GuestReader} and, when writable, a {@link GuestWriter}. Every public entry
 * point checks its range here, except the unchecked reads, whose caller has checked it (see
 * {@link VirtualDisk#readUnchecked}); the reader and writer below never check again.
 *
 * <p>Locking: a read-write lock guards the metadata. Reads, and writes into clusters that are already allocated
 * with refcount one (COPIED), hold the read lock, so they run in parallel; anything that changes metadata
 * (allocation, zeroing, discard, flush) holds the write lock, which is the allocation lock.
 */
public final class Qcow2Image implements VirtualDisk, GuestLayer {

    private final Path path;
    private final OpenOptions options;
    private final ImageResources resources;
    private final MetadataStore store;
    private final GuestReader reader;
    private final AllocationEvents events = new AllocationEvents();
    private final GuestWriter writer;
    private final long size;
    private volatile boolean closed;
    private String repairedAtOpen;

    private Qcow2Image(Path path, OpenOptions options, ImageResources resources) throws IOException {
        this(path, options, resources, resources.openedHeader());
    }

    private Qcow2Image(Path path, OpenOptions options, ImageResources resources, Qcow2Header view)
            throws IOException {
        this.path = path;
        this.options = options;
        this.resources = resources;
        this.store = MetadataStore.open(resources, options, l2CacheTables(view, options), view);
        this.size = store.header().size();
        this.reader = new GuestReader(store, resources);
        this.writer = options.isReadOnly() ? null : new GuestWriter(store, reader, resources, events);
    }

    /** Opens and validates an image. Read-only opens share the file with any writer (like qemu-img -U). */
    public static Qcow2Image open(Path path, OpenOptions options) throws IOException {
        return open(path, options, new ChainGuard());
    }

    static Qcow2Image open(Path path, OpenOptions options, ChainGuard chain) throws IOException {
        return open(path, options, chain, false);
    }

    /** As above; {@code excludeWriters} locks a read-only image against writers (see {@link TrustedBacking}). */
    static Qcow2Image open(Path path, OpenOptions options, ChainGuard chain, boolean excludeWriters)
            throws IOException {
        String repaired = options.isReadOnly() ? null : DirtyImageRepair.beforeWritableOpen(path, options);
        ImageResources resources = ImageResources.open(path, options, chain, null, excludeWriters);
        try {
            Qcow2Image image = new Qcow2Image(path, options, resources);
            image.repairedAtOpen = repaired;
            return image;
        } catch (IOException | RuntimeException e) {
            resources.close();
            throw e;
        }
    }

    /**
     * What the open repaired before it went on (an image left dirty by a crashed writer: refcounts rebuilt), in
     * words for the user; empty when it repaired nothing.
     */
    public Optional<String> repairedAtOpen() {
        return Optional.ofNullable(repairedAtOpen);
    }

    /**
     * Opens an overlay this program created (a temporary overlay) over {@code backing}, which is opened from the
     * given path rather than from the name in the overlay's header: the overlay is trusted, its backing image is
     * not (it is opened read-only under its own options, so the external files policy applies to what it names).
     */
    public static Qcow2Image openOverlay(Path overlay, OpenOptions options, TrustedBacking backing)
            throws IOException {
        ImageResources resources = ImageResources.open(overlay, options, new ChainGuard(), backing);
        try {
            return new Qcow2Image(overlay, options, resources);
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
            image.store.lock().writeLock().lock();
            try {
                new Resize(image, image.store).to(newSize, allowShrink);
            } finally {
                image.store.lock().writeLock().unlock();
            }
        }
    }

    /**
     * Opens internal snapshot {@code snapshot} (its name, or its id) of the image at {@code path} read-only: the
     * guest sees the disk as it was when the snapshot was taken (like {@code qemu-nbd -l}).
     */
    public static Qcow2Image openSnapshot(Path path, String snapshot, OpenOptions options) throws IOException {
        if (!options.isReadOnly()) {
            throw new EngineException(ErrorCode.INVALID_ARGUMENT, "an internal snapshot is opened read-only");
        }
        ImageResources resources = ImageResources.open(path, options, new ChainGuard());
        try {
            Qcow2Header header = resources.openedHeader();
            FileChannel channel = resources.image().channel();
            List<SnapshotTable.Snapshot> entries = SnapshotTableReader.read(channel, header).entries();
            for (SnapshotTable.Snapshot s : entries) {
                if (s.name().equals(snapshot) || s.id().equals(snapshot)) {
                    long diskSize = s.diskSize() > 0 ? s.diskSize() : header.size();
                    return new Qcow2Image(path, options, resources,
                            header.withSnapshotView(s.l1TableOffset(), s.l1Size(), diskSize, channel.size()));
                }
            }
            throw new EngineException(ErrorCode.INVALID_ARGUMENT, path + " has no internal snapshot named '"
                    + snapshot + "' (" + (entries.isEmpty() ? "it has no snapshots" : "it has: " + entries.stream()
                    .map(s -> s.id() + " " + s.name()).collect(Collectors.joining(", "))) + ")");
        } catch (IOException | RuntimeException e) {
            resources.close();
            throw e;
        }
    }

    /**
     * Points the image at {@code path} to another backing file ({@code name} as stored, null for none) with
     * {@code format} (null: none recorded): the header is rewritten in one write after everything else is durable
     * (qemu-img rebase -u). Nobody else may have the image open for writing.
     */
    public static void setBackingFile(Path path, String name, String format) throws IOException {
        try (Qcow2Image image = open(path, OpenOptions.readWrite())) {
            image.flush();
            image.store.lock().writeLock().lock();
            try {
                Qcow2Header.Encoded encoded = image.header().withBackingFile(name, format).encode();
                image.store.patchHeaderDurably(new HeaderLayout.Patch(0, encoded.bytes()));
            } finally {
                image.store.lock().writeLock().unlock();
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
        return store.header();
    }

    public Path path() {
        return path;
    }

    /**
     * Size of the image file in bytes; while open for writing, the size it has once the clusters allocated so far
     * are written to their ends (a new cluster gets only its data, so the file may end inside it for a while).
     */
    public long fileSize() throws IOException {
        return store.fileEnd();
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public boolean isReadOnly() {
        return options.isReadOnly();
    }

    @Override
    public int clusterSize() {
        return store.header().clusterSize();
    }

    // ----- metadata access for tests ------------------------------------------------------------------------

    /** Refcount of the host cluster with index {@code hostCluster} (host offset / cluster size). */
    long refcount(long hostCluster) throws IOException {
        return store.refcount(hostCluster);
    }

    /** The type of the (sub)cluster covering guest offset {@code guestOffset} in this layer alone. */
    SubclusterType subclusterType(long guestOffset) throws IOException {
        checkRange(guestOffset, 1);
        return reader.subclusterType(guestOffset);
    }

    /** L2 tables currently cached, and the cache's capacity (for tests of the memory bound). */
    int[] l2CacheUsage() {
        return new int[]{store.lookup().l2Cache().size(), store.lookup().l2Cache().capacity()};
    }

    // ----- reading ----------------------------------------------------------------------------------------------

    @Override
    public void read(long offset, ByteBuffer dst) throws IOException {
        checkRange(offset, dst.remaining());
        readUnchecked(offset, dst);
    }

    /** One pass: the data, and the zero runs met on the way (zero clusters, holes, past a shorter backing file). */
    @Override
    public List<ZeroRun> readReportingZeros(long offset, ByteBuffer dst) throws IOException {
        checkRange(offset, dst.remaining());
        return readReportingZerosUnchecked(offset, dst);
    }

    /** The range was checked by the caller (the NBD request validator, through the device). */
    @Override
    public void readUnchecked(long offset, ByteBuffer dst) throws IOException {
        ensureOpen();
        reader.read(offset, dst, null);
    }

    @Override
    public List<ZeroRun> readReportingZerosUnchecked(long offset, ByteBuffer dst) throws IOException {
        ensureOpen();
        ZeroRuns zeros = new ZeroRuns();
        reader.read(offset, dst, zeros);
        return zeros.runs();
    }

    @Override
    public void readLayer(long offset, ByteBuffer dst, ZeroRuns zeros) throws IOException {
        reader.read(offset, dst, zeros);
    }

    // ----- map --------------------------------------------------------------------------------------------------

    @Override
    public List<MapEntry> map(long offset, long length) throws IOException {
        checkRange(offset, length);
        return mapUnchecked(offset, length);
    }

    /** The range was checked by the caller (the NBD request validator, for BLOCK_STATUS and CACHE). */
    @Override
    public List<MapEntry> mapUnchecked(long offset, long length) throws IOException {
        ensureOpen();
        MapBuilder out = new MapBuilder();
        reader.map(offset, length, 0, out);
        return out.entries();
    }

    @Override
    public void mapLayer(long offset, long length, int depth, MapBuilder out) throws IOException {
        reader.map(offset, length, depth, out);
    }

    // ----- writing ----------------------------------------------------------------------------------------------

    @Override
    public void write(long offset, ByteBuffer src) throws IOException {
        GuestWriter w = writable();
        checkRange(offset, src.remaining());
        w.write(offset, src);
    }

    @Override
    public void writeZeroes(long offset, long length, boolean mayDeallocate) throws IOException {
        GuestWriter w = writable();
        checkRange(offset, length);
        w.writeZeroes(offset, length, mayDeallocate);
    }

    @Override
    public boolean zeroesFast(long offset, long length, boolean mayDeallocate) {
        Qcow2Header header = store.header();
        return new ZeroingCost(header.version(), resources.backing() != null, header.clusterSize(), size())
                .isMetadataOnly(offset, length, mayDeallocate);
    }

    @Override
    public void discard(long offset, long length) throws IOException {
        GuestWriter w = writable();
        checkRange(offset, length);
        w.discard(offset, length);
    }

    @Override
    public void flush() throws IOException {
        ensureOpen();
        store.flush();
    }

    @Override
    public Subscription onAllocation(Consumer<AllocationEvent> listener) {
        return events.subscribe(listener);
    }

    private GuestWriter writable() throws EngineException {
        ensureOpen();
        if (writer == null) {
            throw new EngineException(ErrorCode.READ_ONLY_FILE, path + " is open read-only");
        }
        return writer;
    }

    private void checkRange(long offset, long length) throws EngineException {
        if (offset < 0 || length < 0 || offset > size - length) {
            throw new EngineException(ErrorCode.INVALID_ARGUMENT, String.format(
                    "range [%d, +%d) is outside the disk (%d bytes)", offset, length, size));
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
        store.lock().writeLock().lock();
        try {
            closed = true;
            store.flush();
        } finally {
            store.lock().writeLock().unlock();
            resources.close();
        }
    }

    @Override
    public String toString() {
        return "Qcow2Image[" + path + (options.isReadOnly() ? ", read-only" : "") + "]";
    }
}
