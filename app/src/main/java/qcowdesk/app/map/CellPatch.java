package qcowdesk.app.map;

import java.util.List;

import qcowdesk.app.inspect.GuestStatus;
import qcowdesk.engine.MapEntry;

/**
 * The current extents of a run of cells that changed, read in the background and applied on the FX thread.
 *
 * @param fromCell first cell of the run
 * @param toCell   end (exclusive) of the run
 * @param entries  the extents covering exactly those cells
 */
public record CellPatch(int fromCell, int toCell, List<MapEntry> entries) {

    public CellPatch {
        entries = List.copyOf(entries);
    }

    /** Replaces what {@code map} knew about the cells with the patch's extents. */
    public void applyTo(CellMap<GuestStatus> map) {
        map.clearCells(fromCell, toCell);
        for (MapEntry entry : entries) {
            map.add(entry.start(), entry.length(), GuestStatus.of(entry), entry.hostOffset());
        }
    }
}
