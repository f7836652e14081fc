package qcowdesk.cli.format;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

import qcowdesk.cli.support.CliFailure;
import qcowdesk.cli.support.ExitCodes;
import qcowdesk.engine.MapEntry;

/**
 * Prints an image map as {@code qemu-img map} does, in its human table or its JSON list. Adjacent extents are
 * merged by qemu-img's rule, so the same image gives the same lines whatever granularity the engine reports.
 */
public final class MapOutput {

    private final IntFunction<String> fileAtDepth;

    /** @param fileAtDepth the name of the file that holds the data at a depth of the backing chain (0: the image) */
    public MapOutput(IntFunction<String> fileAtDepth) {
        this.fileAtDepth = fileAtDepth;
    }

    public String json(List<MapEntry> entries) {
        List<MapEntry> merged = merge(entries, false);
        StringBuilder out = new StringBuilder("[");
        for (int i = 0; i < merged.size(); i++) {
            MapEntry e = merged.get(i);
            out.append("{ \"start\": ").append(e.start())
                    .append(", \"length\": ").append(e.length())
                    .append(", \"depth\": ").append(e.depth())
                    .append(", \"present\": ").append(e.present())
                    .append(", \"zero\": ").append(e.zero())
                    .append(", \"data\": ").append(e.data());
            if (hasOffset(e)) {
                out.append(", \"offset\": ").append(e.hostOffset());
            }
            out.append('}').append(i + 1 < merged.size() ? ",\n" : "");
        }
        return out.append("]\n").toString();
    }

    public String human(List<MapEntry> entries) {
        StringBuilder out = new StringBuilder(String.format("%-16s%-16s%-16s%s%n", "Offset", "Length", "Mapped to", "File"));
        for (MapEntry e : merge(entries, true)) {
            if (e.data() && !hasOffset(e)) {
                // the table has no way to say where compressed data lives; qemu-img refuses the same way
                throw new CliFailure(ExitCodes.REFUSED, "File contains external, encrypted or compressed clusters.");
            }
            if (e.data() && !e.zero()) {
                out.append(String.format("%-16s%-16s%-16s%s%n", hex(e.start()), hex(e.length()), hex(e.hostOffset()),
                        fileAtDepth.apply(e.depth())));
            }
        }
        return out.toString();
    }

    /**
     * qemu-img's merge loop. The human table does not distinguish holes, zero clusters and zeroed data, so
     * there an extent that follows one of those is first normalised to "zero, no data", letting runs of them
     * merge.
     */
    private static List<MapEntry> merge(List<MapEntry> entries, boolean human) {
        List<MapEntry> out = new ArrayList<>();
        MapEntry current = null;
        for (MapEntry next : entries) {
            if (current != null && mergeable(current, next)) {
                current = withLength(current, current.length() + next.length());
                continue;
            }
            if (current != null) {
                out.add(current);
                if (human && (!next.data() || next.zero()) && (!current.data() || current.zero())) {
                    next = new MapEntry(next.start(), next.length(), next.depth(), next.present(), true, false,
                            next.compressed(), next.hostOffset());
                }
            }
            current = next;
        }
        if (current != null) {
            out.add(current);
        }
        return out;
    }

    private static boolean mergeable(MapEntry a, MapEntry b) {
        if (a.length() == 0 || a.end() != b.start()) {
            return false;
        }
        if (a.zero() != b.zero() || a.data() != b.data() || a.depth() != b.depth() || a.present() != b.present()
                || hasOffset(a) != hasOffset(b)) {
            return false;
        }
        return !hasOffset(a) || a.hostOffset() + a.length() == b.hostOffset();
    }

    private static MapEntry withLength(MapEntry e, long length) {
        return new MapEntry(e.start(), length, e.depth(), e.present(), e.zero(), e.data(), e.compressed(), e.hostOffset());
    }

    private static boolean hasOffset(MapEntry e) {
        return e.hostOffset() != MapEntry.NO_OFFSET;
    }

    /** C's {@code %#x}: "0" for zero, otherwise "0x..." in lower case. */
    private static String hex(long value) {
        return value == 0 ? "0" : "0x" + Long.toHexString(value);
    }
}
