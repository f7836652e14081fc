package qcowdesk.bridge.nbd;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import qcowdesk.engine.MapEntry;
import qcowdesk.engine.VirtualDisk;

/**
 * Walks the engine map of a range in bounded windows, clipping each entry to the range. For BLOCK_STATUS and
 * CACHE, whose range {@link RequestValidator} has checked against the device: the map is asked without a second
 * check ({@code VirtualDisk.mapUnchecked}).
 */
final class DiskExtents {

    /** A piece of the range and the map entry that describes it. */
    record Extent(long start, long length, MapEntry entry) {
        long end() {
            return start + length;
        }
    }

    /** Map queries are split into windows of this size so that one huge request cannot build a huge list. */
    private static final long WINDOW = 256L * 1024 * 1024;

    private DiskExtents() {
    }

    /**
     * Extents covering {@code [offset, offset + length)} from its start; stops early (but after at least one
     * extent) once {@code maxExtents} are collected.
     */
    static List<Extent> of(VirtualDisk disk, long offset, long length, int maxExtents) throws IOException {
        return of(disk, offset, length, maxExtents, 1);
    }

    /**
     * As above, but an early stop only comes at a multiple of {@code alignment} (past {@code maxExtents} if need
     * be), so that the extents can be rounded to whole blocks.
     */
    static List<Extent> of(VirtualDisk disk, long offset, long length, int maxExtents, int alignment)
            throws IOException {
        List<Extent> extents = new ArrayList<>();
        long end = offset + length;
        long position = offset;
        while (position < end && (extents.size() < maxExtents || position % alignment != 0)) {
            List<MapEntry> entries = disk.mapUnchecked(position, Math.min(end - position, WINDOW));
            if (entries.isEmpty()) {
                throw new IOException("the image map returned nothing at offset " + position);
            }
            for (MapEntry entry : entries) {
                long start = Math.max(entry.start(), position);
                long stop = Math.min(entry.end(), end);
                if (start != position || stop <= start) {
                    throw new IOException("the image map is not contiguous at offset " + position);
                }
                extents.add(new Extent(start, stop - start, entry));
                position = stop;
                if (position >= end || extents.size() >= maxExtents && position % alignment == 0) {
                    break;
                }
            }
        }
        return extents;
    }
}
