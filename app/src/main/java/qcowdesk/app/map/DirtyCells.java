package qcowdesk.app.map;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

import qcowdesk.engine.AllocationEvent;

/**
 * Collects the cells touched by allocation events, from any thread, until the view drains them.
 *
 * <p>This is the coalescing step of live updates: a burst of thousands of writes marks a few cells, and the
 * view re-reads only those cells, a few times a second, instead of redrawing per write.
 */
public final class DirtyCells {

    private final MapGeometry geometry;
    private final BitSet dirty = new BitSet();
    private long events;

    public DirtyCells(MapGeometry geometry) {
        this.geometry = geometry;
    }

    /** Marks the cells of an event; called on the engine's thread. */
    public synchronized void mark(AllocationEvent event) {
        events++;
        long start = Math.max(geometry.origin(), event.guestOffset());
        long end = Math.min(geometry.end(), event.guestOffset() + event.length());
        if (start >= end) {
            return; // outside the region shown
        }
        int first = geometry.cellOf(start);
        int last = geometry.cellOf(end - 1);
        dirty.set(first, last + 1);
    }

    /** Events received so far. */
    public synchronized long events() {
        return events;
    }

    public synchronized boolean isEmpty() {
        return dirty.isEmpty();
    }

    /** Runs of consecutive dirty cells as {start, end} pairs, and forgets them. */
    public synchronized List<int[]> drain() {
        List<int[]> runs = new ArrayList<>();
        for (int start = dirty.nextSetBit(0); start >= 0; start = dirty.nextSetBit(start)) {
            int end = dirty.nextClearBit(start);
            runs.add(new int[]{start, end});
            start = end;
        }
        dirty.clear();
        return runs;
    }
}
