package qcowdesk.app.hex;

import java.util.List;
import java.util.stream.Collectors;

import qcowdesk.app.inspect.GuestStatus;
import qcowdesk.app.inspect.Sizes;
import qcowdesk.engine.MapEntry;

/**
 * One sector as read from the disk, with where its bytes come from.
 *
 * @param lba     sector number in the device's sector size
 * @param offset  guest byte offset of the sector
 * @param bytes   the sector's contents
 * @param mapping the map extents covering the sector (one, unless the sector straddles extents)
 */
public record SectorView(long lba, long offset, byte[] bytes, List<MapEntry> mapping) {

    public SectorView {
        mapping = List.copyOf(mapping);
    }

    /** "data at host 0x50200", "unallocated (reads as zeros)", "backing file (layer 1) at host 0x0", … */
    public String mappingText() {
        if (mapping.size() == 1) {
            return describe(mapping.get(0));
        }
        // A sector larger than a (sub)cluster can straddle extents: say which bytes each part is.
        return mapping.stream()
                .map(e -> "+" + (e.start() - offset) + ".." + (e.end() - offset - 1) + ": " + describe(e))
                .collect(Collectors.joining("; "));
    }

    public String hexText() {
        return HexRows.format(offset, bytes);
    }

    private static String describe(MapEntry entry) {
        String where = entry.hostOffset() >= 0 ? " at host " + Sizes.hex(entry.hostOffset()) : "";
        String what = switch (GuestStatus.of(entry)) {
            case UNALLOCATED -> "unallocated (reads as zeros)";
            case ZERO -> "zero cluster (reads as zeros)";
            case COMPRESSED -> "compressed cluster";
            case DATA -> "data" + where;
            case BACKING -> "backing file (layer " + entry.depth() + ")" + (entry.zero() && !entry.data()
                    ? ", reads as zeros"
                    : entry.hostOffset() >= 0 ? " at offset " + Sizes.hex(entry.hostOffset()) + " of that file" : "");
        };
        return what;
    }
}
