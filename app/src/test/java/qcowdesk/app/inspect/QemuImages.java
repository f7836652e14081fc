package qcowdesk.app.inspect;

import java.util.List;

import qcowdesk.engine.MapEntry;

/** The app's view of what {@code qemu-img map} says ({@code QemuMap} reads it): bytes per guest status. */
public final class QemuImages {

    private QemuImages() {
    }

    /** Bytes per guest status in a qemu map. */
    public static java.util.Map<GuestStatus, Long> bytesByStatus(List<MapEntry> entries) {
        java.util.Map<GuestStatus, Long> out = new java.util.EnumMap<>(GuestStatus.class);
        for (GuestStatus status : GuestStatus.values()) {
            out.put(status, 0L);
        }
        entries.forEach(e -> out.merge(GuestStatus.of(e), e.length(), Long::sum));
        return out;
    }

    /** The entry of a qemu map that covers guest byte {@code offset}. */
    public static MapEntry entryAt(List<MapEntry> entries, long offset) {
        return entries.stream().filter(e -> offset >= e.start() && offset < e.end()).findFirst()
                .orElseThrow(() -> new AssertionError("qemu-img map does not cover offset " + offset));
    }
}
