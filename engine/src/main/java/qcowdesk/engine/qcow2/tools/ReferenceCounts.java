package qcowdesk.engine.qcow2.tools;

import qcowdesk.engine.EngineException;
import qcowdesk.engine.ErrorCode;

import java.util.HashMap;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * How often each host cluster is referenced, kept small: one bit per cluster of the file says "referenced at least
 * once", and only clusters referenced more than once (shared by compressed clusters or snapshots) or lying past the
 * end of the file (corrupt pointers) get a map entry. A multi-terabyte image costs a bitmap, never a long per
 * cluster.
 */
final class ReferenceCounts {

    /** Pointers past the end of the file are corrupt; beyond this many distinct ones we stop recording them. */
    static final int MAX_OUTSIDE = 1 << 20;

    private final int clusterBits;
    private final long clusters;
    private final long[] once;
    private final Map<Long, Long> extra = new HashMap<>();
    private final NavigableMap<Long, Long> outside = new TreeMap<>();
    private long outsideDropped;

    private ReferenceCounts(int clusterBits, long clusters) {
        this.clusterBits = clusterBits;
        this.clusters = clusters;
        this.once = new long[(int) ((clusters + 63) >>> 6)];
    }

    /**
     * An empty table for a file of {@code clusters} clusters (references past it go to the overflow map).
     *
     * @throws EngineException UNSUPPORTED when the file has more clusters than one bitmap can cover (2^37)
     */
    static ReferenceCounts forFile(int clusterBits, long clusters) throws EngineException {
        if (clusters > (long) Integer.MAX_VALUE * 64) {
            throw new EngineException(ErrorCode.UNSUPPORTED, "the file has " + clusters
                    + " clusters, more than the reference bitmap covers");
        }
        return new ReferenceCounts(clusterBits, clusters);
    }

    /** Counts one reference to every cluster that {@code [offset, offset+length)} touches. */
    void add(long offset, long length) {
        if (length <= 0 || offset < 0) {
            return;
        }
        long first = offset >>> clusterBits;
        long last = (offset + length - 1) >>> clusterBits;
        for (long c = first; c <= last; c++) {
            increment(c);
        }
    }

    private void increment(long c) {
        if (c >= clusters) {
            if (outside.size() < MAX_OUTSIDE || outside.containsKey(c)) {
                outside.merge(c, 1L, Long::sum);
            } else {
                outsideDropped++;
            }
            return;
        }
        int word = (int) (c >>> 6);
        long bit = 1L << (c & 63);
        if ((once[word] & bit) == 0) {
            once[word] |= bit;
        } else {
            extra.merge(c, 1L, Long::sum);
        }
    }

    long get(long c) {
        if (c >= clusters) {
            return outside.getOrDefault(c, 0L);
        }
        if ((once[(int) (c >>> 6)] & (1L << (c & 63))) == 0) {
            return 0;
        }
        return 1 + extra.getOrDefault(c, 0L);
    }

    /** The highest count of any cluster inside the file (0 when nothing is referenced). */
    long maxCount() {
        long max = 0;
        for (long word : once) {
            if (word != 0) {
                max = 1;
                break;
            }
        }
        for (long more : extra.values()) {
            max = Math.max(max, 1 + more);
        }
        return max;
    }

    /** Clusters of the file this table covers. */
    long clusters() {
        return clusters;
    }

    /** Referenced clusters past the end of the file, in order, with their counts. */
    NavigableMap<Long, Long> outsideFile() {
        return outside;
    }

    /** Distinct clusters past the end of the file that were not recorded (beyond {@link #MAX_OUTSIDE}). */
    long outsideDropped() {
        return outsideDropped;
    }
}
