package qcowdesk.app.map;

import java.util.Map;

/**
 * What a hover over one map cell tells.
 *
 * @param cell       the cell index
 * @param start      first byte the cell covers
 * @param end        end (exclusive) of the bytes the cell covers
 * @param hostOffset host offset of the first data cluster in the cell, or -1 when it stores none
 * @param counts     clusters per status in the cell (only non-zero counts)
 */
public record CellInfo(int cell, long start, long end, long hostOffset, Map<String, Long> counts) {

    public CellInfo {
        counts = Map.copyOf(counts);
    }
}
