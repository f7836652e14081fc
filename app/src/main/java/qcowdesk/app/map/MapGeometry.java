package qcowdesk.app.map;

/**
 * How the clusters of an address range (the guest disk or a region of it, or the host file) are grouped into
 * map cells. A cell covers {@code clustersPerCell} consecutive clusters; the last cell may cover fewer.
 *
 * @param origin          first byte of the range (cluster aligned; 0 for a whole disk or file)
 * @param size            bytes in the range
 * @param clusterSize     bytes per cluster
 * @param clusterCount    clusters in the range (the last one may be partial)
 * @param clustersPerCell clusters aggregated into one cell (1 when every cluster has its own cell)
 * @param cellCount       cells in the map, never more than the limit it was made with
 */
public record MapGeometry(long origin, long size, int clusterSize, long clusterCount, long clustersPerCell, int cellCount) {

    /** Cells a map has at most: bounds memory (a few arrays of this length) whatever the disk size. */
    public static final int DEFAULT_MAX_CELLS = 1 << 16;

    /** The geometry of a whole disk or file of {@code size} bytes. */
    public static MapGeometry of(long size, int clusterSize, int maxCells) {
        return of(0, size, clusterSize, maxCells);
    }

    /** The geometry of {@code [origin, origin+size)}. */
    public static MapGeometry of(long origin, long size, int clusterSize, int maxCells) {
        if (origin < 0 || size < 0 || clusterSize <= 0 || maxCells <= 0 || origin % clusterSize != 0) {
            throw new IllegalArgumentException("bad map geometry: origin " + origin + ", size " + size
                    + ", cluster size " + clusterSize + ", cells " + maxCells);
        }
        long clusters = ceilDiv(size, clusterSize);
        long perCell = Math.max(1, ceilDiv(clusters, maxCells));
        int cells = (int) ceilDiv(clusters, perCell);
        return new MapGeometry(origin, size, clusterSize, clusters, perCell, cells);
    }

    /** End (exclusive) of the range. */
    public long end() {
        return origin + size;
    }

    public long cellBytes() {
        return clustersPerCell * clusterSize;
    }

    /** First byte covered by {@code cell}. */
    public long cellStart(int cell) {
        return origin + cell * cellBytes();
    }

    /** End (exclusive) of the bytes covered by {@code cell}. */
    public long cellEnd(int cell) {
        return Math.min(end(), origin + (cell + 1L) * cellBytes());
    }

    /** Clusters {@code cell} covers (fewer than clustersPerCell for the last cell). */
    public long clustersIn(int cell) {
        return Math.min(clusterCount, (cell + 1L) * clustersPerCell) - cell * clustersPerCell;
    }

    /** The cell that holds byte {@code offset} (which must lie in the range). */
    public int cellOf(long offset) {
        return (int) Math.max(0, Math.min(cellCount - 1L, (offset - origin) / cellBytes()));
    }

    /**
     * The region a closer look at {@code cell} shows: {@code cellsAround} cells' worth of bytes, aligned, holding
     * the cell, so that re-bucketed it shows (up to) that many times more detail.
     */
    public long[] regionAround(int cell, int cellsAround) {
        long length = Math.min(size, cellBytes() * cellsAround);
        long start = origin + ((cellStart(cell) - origin) / length) * length;
        return new long[]{start, Math.min(end(), start + length)};
    }

    private static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }
}
