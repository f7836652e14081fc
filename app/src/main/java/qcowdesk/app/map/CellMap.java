package qcowdesk.app.map;

import java.util.EnumMap;
import java.util.Map;

/**
 * Bytes per status in every cell of a map: the presentation model behind a map canvas.
 *
 * <p>Memory is a few arrays of {@link MapGeometry#cellCount()} entries, never one entry per cluster, so a
 * 1 TiB disk costs what a 1 GiB one does. Extents are added in O(cells they touch). Bytes rather than
 * clusters are counted so extents finer than a cluster (subclusters) add up exactly.
 *
 * <p>Not thread-safe: build it on a background thread, then hand it to the FX thread and only touch it there.
 *
 * @param <S> the status enum (guest statuses, or host cluster kinds)
 */
public final class CellMap<S extends Enum<S>> {

    private final MapGeometry geometry;
    private final S[] statuses;
    private final S empty;
    private final long[][] bytes;
    private final long[] totals;
    private final long[] firstHost;

    /**
     * @param empty the status of space that holds nothing (it sets how "full" a cell looks); cells start as it
     */
    public CellMap(MapGeometry geometry, Class<S> type, S empty) {
        this.geometry = geometry;
        this.statuses = type.getEnumConstants();
        this.empty = empty;
        this.bytes = new long[statuses.length][geometry.cellCount()];
        this.totals = new long[statuses.length];
        this.firstHost = new long[geometry.cellCount()];
        clearCells(0, geometry.cellCount());
    }

    public MapGeometry geometry() {
        return geometry;
    }

    /** Records that {@code [start, start+length)} has {@code status}; {@code hostOffset} is where its first byte is stored, or -1. */
    public void add(long start, long length, S status, long hostOffset) {
        long originalStart = start;
        long end = Math.min(geometry.end(), start + length);
        start = Math.max(start, geometry.origin());
        if (start >= end) {
            return;
        }
        int first = geometry.cellOf(start);
        int last = geometry.cellOf(end - 1);
        for (int cell = first; cell <= last; cell++) {
            long from = Math.max(start, geometry.cellStart(cell));
            long to = Math.min(end, geometry.cellEnd(cell));
            move(cell, status, to - from);
            if (hostOffset >= 0 && firstHost[cell] < 0) {
                firstHost[cell] = hostOffset + (from - originalStart);
            }
        }
    }

    /** Forgets what cells {@code [from, to)} held: they become entirely {@code empty} again. */
    public void clearCells(int from, int to) {
        for (int cell = from; cell < to; cell++) {
            for (S status : statuses) {
                totals[status.ordinal()] -= bytes[status.ordinal()][cell];
                bytes[status.ordinal()][cell] = 0;
            }
            long length = geometry.cellEnd(cell) - geometry.cellStart(cell);
            bytes[empty.ordinal()][cell] = length;
            totals[empty.ordinal()] += length;
            firstHost[cell] = -1;
        }
    }

    /** Bytes with {@code status} in the whole map. */
    public long totalBytes(S status) {
        return totals[status.ordinal()];
    }

    /** Clusters with {@code status} in the whole map (a partly covered cluster counts as one). */
    public long totalClusters(S status) {
        return (totals[status.ordinal()] + geometry.clusterSize() - 1) / geometry.clusterSize();
    }

    /** Bytes with {@code status} in {@code cell}. */
    public long bytes(int cell, S status) {
        return bytes[status.ordinal()][cell];
    }

    /** How full {@code cell} is: the share of its bytes that are not {@code empty}, 0..1. */
    public double fill(int cell) {
        long length = geometry.cellEnd(cell) - geometry.cellStart(cell);
        return length == 0 ? 0 : 1.0 - bytes[empty.ordinal()][cell] / (double) length;
    }

    /** The status the cell is drawn with: the non-empty status with the most bytes, or {@code empty}. */
    public S dominant(int cell) {
        S best = empty;
        long most = 0;
        for (S status : statuses) {
            long count = bytes[status.ordinal()][cell];
            if (status != empty && count > most) {
                best = status;
                most = count;
            }
        }
        return best;
    }

    /** Host offset of the first stored byte in {@code cell}, or -1. */
    public long firstHostOffset(int cell) {
        return firstHost[cell];
    }

    /** Everything a hover over {@code cell} shows. */
    public CellInfo describe(int cell) {
        Map<String, Long> counts = new java.util.LinkedHashMap<>();
        for (S status : statuses) {
            long count = bytes[status.ordinal()][cell];
            if (count > 0) {
                counts.put(status.toString(), (count + geometry.clusterSize() - 1) / geometry.clusterSize());
            }
        }
        return new CellInfo(cell, geometry.cellStart(cell), geometry.cellEnd(cell), firstHost[cell], counts);
    }

    /** Clusters per status in the whole map, for summaries and legends. */
    public Map<S, Long> clusterTotals() {
        Map<S, Long> out = new EnumMap<>(statuses[0].getDeclaringClass());
        for (S status : statuses) {
            out.put(status, totalClusters(status));
        }
        return out;
    }

    private void move(int cell, S status, long length) {
        // The bytes were empty until now (cells are cleared before they are re-added), so they move out of
        // the empty status into the new one.
        long fromEmpty = Math.min(length, bytes[empty.ordinal()][cell]);
        bytes[empty.ordinal()][cell] -= fromEmpty;
        totals[empty.ordinal()] -= fromEmpty;
        bytes[status.ordinal()][cell] += fromEmpty;
        totals[status.ordinal()] += fromEmpty;
    }
}
