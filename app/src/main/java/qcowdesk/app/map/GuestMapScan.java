package qcowdesk.app.map;

import java.io.IOException;
import java.util.function.BooleanSupplier;
import java.util.function.LongConsumer;

import qcowdesk.app.inspect.ExtentWalk;
import qcowdesk.app.inspect.GuestStatus;
import qcowdesk.engine.VirtualDisk;

/** Fills a guest {@link CellMap} from {@link VirtualDisk#map}: whole, or cell ranges that changed. Runs off the FX thread. */
public final class GuestMapScan {

    private GuestMapScan() {
    }

    /** A fresh map of the whole disk; {@code progress} receives the guest offset reached. */
    public static CellMap<GuestStatus> build(VirtualDisk disk, int maxCells, BooleanSupplier cancelled,
                                             LongConsumer progress) throws IOException {
        return build(disk, MapGeometry.of(disk.size(), disk.clusterSize(), maxCells), cancelled, progress);
    }

    /** A fresh map of the range {@code geometry} covers (a region of the disk, for a closer look). */
    public static CellMap<GuestStatus> build(VirtualDisk disk, MapGeometry geometry, BooleanSupplier cancelled,
                                             LongConsumer progress) throws IOException {
        CellMap<GuestStatus> map = new CellMap<>(geometry, GuestStatus.class, GuestStatus.UNALLOCATED);
        ExtentWalk.walk(disk, geometry.origin(), geometry.end(), cancelled, entry -> {
            map.add(entry.start(), entry.length(), GuestStatus.of(entry), entry.hostOffset());
            progress.accept(entry.end());
        });
        return map;
    }

    /** The fresh extents of cells {@code [fromCell, toCell)}, to be {@linkplain CellPatch#applyTo applied} on the FX thread. */
    public static CellPatch rescan(VirtualDisk disk, MapGeometry geometry, int fromCell, int toCell) throws IOException {
        return new CellPatch(fromCell, toCell,
                ExtentWalk.list(disk, geometry.cellStart(fromCell), geometry.cellEnd(toCell - 1)));
    }
}
