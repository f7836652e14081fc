package qcowdesk.app.map;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import qcowdesk.app.inspect.GuestStatus;
import qcowdesk.engine.VirtualDisk;

/**
 * Keeps a guest map current while clients write: allocation events mark cells dirty (cheaply, on the
 * writer's thread); {@link #collect()} re-reads the dirty cells in the background; the FX thread applies
 * the patches. No FX types here, so the coalescing can be tested without a screen.
 */
public final class LiveGuestMap implements AutoCloseable {

    private final VirtualDisk disk;
    private final MapGeometry geometry;
    private final DirtyCells dirty;
    private final VirtualDisk.Subscription subscription;

    public LiveGuestMap(VirtualDisk disk, MapGeometry geometry) {
        this.disk = disk;
        this.geometry = geometry;
        this.dirty = new DirtyCells(geometry);
        this.subscription = disk.onAllocation(dirty::mark);
    }

    public boolean hasChanges() {
        return !dirty.isEmpty();
    }

    /** Allocation events received so far. */
    public long events() {
        return dirty.events();
    }

    /** Re-reads the map of every cell changed since the last call; run off the FX thread. */
    public List<CellPatch> collect() throws IOException {
        List<CellPatch> patches = new ArrayList<>();
        for (int[] run : dirty.drain()) {
            patches.add(GuestMapScan.rescan(disk, geometry, run[0], run[1]));
        }
        return patches;
    }

    /** Applies collected patches; on the FX thread once the map is shown. */
    public static void apply(List<CellPatch> patches, CellMap<GuestStatus> map) {
        patches.forEach(patch -> patch.applyTo(map));
    }

    @Override
    public void close() {
        subscription.close();
    }
}
