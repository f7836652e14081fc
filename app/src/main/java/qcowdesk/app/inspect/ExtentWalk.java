package qcowdesk.app.inspect;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.BooleanSupplier;

import qcowdesk.engine.MapEntry;
import qcowdesk.engine.VirtualDisk;

/**
 * Walks the allocation map of a guest range extent by extent. The map is asked for in windows, so no single
 * answer grows unbounded however large and fragmented the disk.
 */
public final class ExtentWalk {

    /** Largest range asked of {@link VirtualDisk#map} at once: bounds the size of the list it returns. */
    static final long WINDOW = 1L << 32;

    /** Receives the extents in order. */
    @FunctionalInterface
    public interface Sink {
        void accept(MapEntry entry) throws IOException;
    }

    private final VirtualDisk disk;
    private final long to;
    private long position;
    private Iterator<MapEntry> window = List.<MapEntry>of().iterator();

    /** A cursor over the extents of {@code [from, to)}, each clipped to the range. */
    public ExtentWalk(VirtualDisk disk, long from, long to) {
        this.disk = disk;
        this.position = from;
        this.to = to;
    }

    /** The next extent, or null at the end of the range. */
    public MapEntry next() throws IOException {
        while (position < to) {
            if (!window.hasNext()) {
                List<MapEntry> entries = disk.map(position, Math.min(WINDOW, to - position));
                if (entries.isEmpty()) {
                    throw new IOException("the allocation map returned no extent at offset " + position);
                }
                window = entries.iterator();
            }
            MapEntry clipped = clip(window.next(), position, to);
            if (clipped.length() > 0) {
                position = clipped.end();
                return clipped;
            }
        }
        return null;
    }

    /**
     * Feeds every extent of {@code [from, to)} to {@code sink}.
     *
     * @throws InterruptedIOException when {@code cancelled} becomes true
     */
    public static void walk(VirtualDisk disk, long from, long to, BooleanSupplier cancelled, Sink sink) throws IOException {
        ExtentWalk walk = new ExtentWalk(disk, from, to);
        for (MapEntry entry = walk.next(); entry != null; entry = walk.next()) {
            if (cancelled.getAsBoolean()) {
                throw new InterruptedIOException("cancelled");
            }
            sink.accept(entry);
        }
    }

    /** The extents of {@code [from, to)} as a list (for small ranges: a sector, a few map cells). */
    public static List<MapEntry> list(VirtualDisk disk, long from, long to) throws IOException {
        List<MapEntry> out = new ArrayList<>();
        walk(disk, from, to, () -> false, out::add);
        return out;
    }

    private static MapEntry clip(MapEntry entry, long from, long to) {
        long start = Math.max(entry.start(), from);
        long end = Math.min(entry.end(), to);
        if (start == entry.start() && end == entry.end()) {
            return entry;
        }
        long host = entry.hostOffset() == MapEntry.NO_OFFSET ? MapEntry.NO_OFFSET : entry.hostOffset() + (start - entry.start());
        return new MapEntry(start, Math.max(0, end - start), entry.depth(), entry.present(), entry.zero(), entry.data(),
                entry.compressed(), host);
    }
}
