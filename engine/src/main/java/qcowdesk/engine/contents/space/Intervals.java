package qcowdesk.engine.contents.space;

import java.util.Arrays;

/**
 * Guest byte ranges, each with an owner number and a file offset, kept in primitive arrays (millions of extents
 * cost tens of MiB, not hundreds) and sorted by start once built.
 */
final class Intervals {

    private long[] start = new long[1024];
    private long[] length = new long[1024];
    private long[] offset = new long[1024];
    private int[] owner = new int[1024];
    private int size;

    void add(long s, long len, int who, long fileOffset) {
        if (len <= 0) {
            return;
        }
        if (size == start.length) {
            int n = size * 2;
            start = Arrays.copyOf(start, n);
            length = Arrays.copyOf(length, n);
            offset = Arrays.copyOf(offset, n);
            owner = Arrays.copyOf(owner, n);
        }
        start[size] = s;
        length[size] = len;
        offset[size] = fileOffset;
        owner[size] = who;
        size++;
    }

    int size() {
        return size;
    }

    /** Sorts by start (an index sort, then the arrays are permuted). */
    void sort() {
        Integer[] order = new Integer[size];
        for (int i = 0; i < size; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Long.compare(start[a], start[b]));
        long[] s = new long[size];
        long[] l = new long[size];
        long[] o = new long[size];
        int[] w = new int[size];
        for (int i = 0; i < size; i++) {
            s[i] = start[order[i]];
            l[i] = length[order[i]];
            o[i] = offset[order[i]];
            w[i] = owner[order[i]];
        }
        start = s;
        length = l;
        offset = o;
        owner = w;
    }

    /** Index of the first interval that may overlap {@code at}: the last one starting at or before it. */
    int firstOverlapping(long at) {
        int lo = 0;
        int hi = size - 1;
        int found = 0;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (start[mid] <= at) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return found;
    }

    long start(int i) {
        return start[i];
    }

    long length(int i) {
        return length[i];
    }

    long end(int i) {
        return start[i] + length[i];
    }

    long fileOffset(int i) {
        return offset[i];
    }

    int owner(int i) {
        return owner[i];
    }
}
