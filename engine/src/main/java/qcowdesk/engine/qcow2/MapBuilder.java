package qcowdesk.engine.qcow2;

import qcowdesk.engine.MapEntry;

import java.util.ArrayList;
import java.util.List;

/** Collects map extents, merging neighbours that qemu-img map would print as one entry. */
final class MapBuilder {

    /** Enough extents for any caller; bounds memory for huge fragmented disks (callers continue from the end). */
    static final int LIMIT = 65536;

    private final List<MapEntry> entries = new ArrayList<>();

    void add(MapEntry e) {
        if (e.length() <= 0) {
            return;
        }
        if (!entries.isEmpty()) {
            MapEntry last = entries.get(entries.size() - 1);
            boolean offsetsContinue = last.hostOffset() == MapEntry.NO_OFFSET
                    ? e.hostOffset() == MapEntry.NO_OFFSET
                    : e.hostOffset() == last.hostOffset() + last.length();
            if (last.end() == e.start() && last.depth() == e.depth() && last.present() == e.present()
                    && last.zero() == e.zero() && last.data() == e.data() && last.compressed() == e.compressed()
                    && offsetsContinue) {
                entries.set(entries.size() - 1, new MapEntry(last.start(), last.length() + e.length(), last.depth(),
                        last.present(), last.zero(), last.data(), last.compressed(), last.hostOffset()));
                return;
            }
        }
        entries.add(e);
    }

    boolean full() {
        return entries.size() >= LIMIT;
    }

    List<MapEntry> entries() {
        return List.copyOf(entries);
    }
}
