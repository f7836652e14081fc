package qcowdesk.app.map;

/**
 * How the clusters of an address space (the guest disk, or the host file) are grouped into map cells.
 * A cell covers {@code clustersPerCell} consecutive clusters; the last cell may cover fewer.
 *
 * @param size            bytes in the address space
 * @param clusterSize     bytes per cluster
 * @param clusterCount    clusters in the address space (the last one may be partial)
 * @param clustersPerCell clusters aggregated into one cell (1 when every cluster has its own cell)
 * @param cellCount       cells in the map, never more than the limit it was made with
 */
public record MapGeometry(long size, int clusterSize, long clusterCount, long clustersPerCell, int cellCount) {

    /** Cells a map has at most: bounds memory (a few arrays of this length) whatever the disk size. */
    public static final int DEFAULT_MAX_CELLS = 1 << 16;

    public static MapGeometry of(long size, int clusterSize, int maxCells) {
        if (size < 0 || clusterSize <= 0 || maxCells <= 0) {
            throw new IllegalArgumentException("bad map geometry: size " + size + ", cluster size " + clusterSize
                    + ", cells " + maxCells);
        }
        long clusters = ceilDiv(size, clusterSize);
        long perCell = Math.max(1, ceilDiv(clusters, maxCells));
        int cells = (int) ceilDiv(clusters, perCell);
        return new MapGeometry(size, clusterSize, clusters, perCell, cells);
    }

    public long cellBytes() {
        return clustersPerCell * clusterSize;
    }

    /** First byte covered by {@code cell}. */
    public long cellStart(int cell) {
        return cell * cellBytes();
    }

    /** End (exclusive) of the bytes covered by {@code cell}. */
    public long cellEnd(int cell) {
        return Math.min(size, (cell + 1L) * cellBytes());
    }

    /** Clusters {@code cell} covers (fewer than clustersPerCell for the last cell). */
    public long clustersIn(int cell) {
        return Math.min(clusterCount, (cell + 1L) * clustersPerCell) - cell * clustersPerCell;
    }

    /** The cell that holds byte {@code offset}. */
    public int cellOf(long offset) {
        return (int) Math.min(cellCount - 1L, offset / cellBytes());
    }

    private static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }
}
