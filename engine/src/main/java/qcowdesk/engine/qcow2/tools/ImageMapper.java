package qcowdesk.engine.qcow2.tools;

import qcowdesk.engine.MapEntry;
import qcowdesk.engine.VirtualDisk;
import qcowdesk.engine.qcow2.OpenOptions;
import qcowdesk.engine.qcow2.Qcow2Image;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The allocation map of a whole disk, merged exactly like {@code qemu-img map --output=json}: neighbouring
 * extents join when depth, present, zero, data and compressed agree and either neither has a host offset or the
 * second's host offset continues the first's.
 */
public final class ImageMapper {

    private ImageMapper() {
    }

    /** Opens the image read-only (with its backing chain) and maps all of it. */
    public static List<MapEntry> map(Path image, ProgressListener progress) throws IOException {
        return map(image, OpenOptions.readOnly(), progress);
    }

    /** Maps all of the image, opened with {@code options} (e.g. with external files allowed). */
    public static List<MapEntry> map(Path image, OpenOptions options, ProgressListener progress) throws IOException {
        try (Qcow2Image disk = Qcow2Image.open(image, options)) {
            return map(disk, progress);
        }
    }

    /** Maps {@code [0, size)} of the disk, asking it extent by extent, and merges the answers. */
    public static List<MapEntry> map(VirtualDisk disk, ProgressListener progress) throws IOException {
        List<MapEntry> merged = new ArrayList<>();
        long size = disk.size();
        long offset = 0;
        while (offset < size) {
            List<MapEntry> part = disk.map(offset, size - offset);
            if (part.isEmpty() || part.get(0).start() != offset || part.get(0).length() <= 0) {
                throw new IllegalStateException("map(" + offset + ") returned " + part + ": no progress");
            }
            for (MapEntry e : part) {
                append(merged, e);
                offset = e.end();
            }
            progress.onProgress("mapping", offset, size);
        }
        return merged;
    }

    /** Merges consecutive mergeable entries of {@code entries}. */
    public static List<MapEntry> merge(List<MapEntry> entries) {
        List<MapEntry> merged = new ArrayList<>();
        for (MapEntry e : entries) {
            append(merged, e);
        }
        return merged;
    }

    private static void append(List<MapEntry> merged, MapEntry next) {
        if (!merged.isEmpty()) {
            MapEntry last = merged.get(merged.size() - 1);
            if (mergeable(last, next)) {
                merged.set(merged.size() - 1, new MapEntry(last.start(), last.length() + next.length(), last.depth(),
                        last.present(), last.zero(), last.data(), last.compressed(), last.hostOffset()));
                return;
            }
        }
        merged.add(next);
    }

    static boolean mergeable(MapEntry a, MapEntry b) {
        if (a.length() == 0 || a.end() != b.start()) {
            return false;
        }
        if (a.depth() != b.depth() || a.present() != b.present() || a.zero() != b.zero() || a.data() != b.data()
                || a.compressed() != b.compressed()) {
            return false;
        }
        boolean aHas = a.hostOffset() != MapEntry.NO_OFFSET;
        boolean bHas = b.hostOffset() != MapEntry.NO_OFFSET;
        if (aHas != bHas) {
            return false;
        }
        return !aHas || a.hostOffset() + a.length() == b.hostOffset();
    }
}
