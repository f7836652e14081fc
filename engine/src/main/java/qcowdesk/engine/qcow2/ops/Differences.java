package qcowdesk.engine.qcow2.ops;

import java.util.List;

/**
 * Where two disks differ, cluster by cluster (see {@link Compare#differences}).
 *
 * @param clusterSize the granularity: a range covers whole clusters of this size (the last one may end at the
 *                    disk's end)
 * @param ranges      guest byte ranges {@code [start, end)} holding at least one differing byte per cluster,
 *                    adjacent clusters merged, in ascending order
 * @param clusters    how many clusters differ (over all ranges, also those left out when truncated)
 * @param truncated   more ranges differ than are listed (the list is capped to bound memory)
 */
public record Differences(int clusterSize, List<Range> ranges, long clusters, boolean truncated) {

    /** Guest bytes {@code [start, end)}. */
    public record Range(long start, long end) {
    }

    public Differences {
        ranges = List.copyOf(ranges);
    }
}
