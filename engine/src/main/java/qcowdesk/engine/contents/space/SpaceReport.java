package qcowdesk.engine.contents.space;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import qcowdesk.engine.MapEntry;
import qcowdesk.engine.VirtualDisk;

/**
 * "Where did the space go": the image's allocated data (clusters stored in this image file, not in a backing
 * file) attributed to files, directories, filesystem metadata, free space inside filesystems (reclaimable by a
 * trim in the guest, or by compaction) and the rest. Byte-exact: each allocated byte is counted once, in the
 * first of files, metadata, free space that holds it.
 *
 * @param allocated        bytes of allocated clusters in the image
 * @param inFiles          of which file data
 * @param inMetadata       filesystem metadata (including files' extent trees and indirect blocks)
 * @param freeInFilesystem free space of a filesystem that the image still stores
 * @param other            partition tables, space outside partitions, filesystems that cannot be browsed,
 *                         slack at the end of files' last blocks
 * @param entries          directories and files by allocated bytes, largest first (at most the limit asked)
 */
public record SpaceReport(long allocated, long inFiles, long inMetadata, long freeInFilesystem, long other,
                          List<SpaceEntry> entries, int clusterSize) {

    /**
     * @param under only entries at or below this path count in {@code entries} ("/" for all)
     * @param limit at most this many entries
     */
    public static SpaceReport build(VirtualDisk disk, ClusterIndex index, String under, int limit)
            throws IOException {
        List<long[]> allocated = allocatedRanges(disk);
        long total = allocated.stream().mapToLong(r -> r[1] - r[0]).sum();
        Map<Integer, Long> fileBytes = new HashMap<>();
        long inFiles = overlap(index.files(), allocated, fileBytes);
        long inMetadata = overlap(index.metadata(), allocated, null);
        long free = overlap(index.free(), allocated, null);
        Map<String, Long> dirs = new HashMap<>();
        List<SpaceEntry> entries = new ArrayList<>();
        String prefix = under.equals("/") ? "/" : under + "/";
        for (Map.Entry<Integer, Long> e : fileBytes.entrySet()) {
            String path = index.owner(e.getKey());
            if (!path.equals(under) && !path.startsWith(prefix)) {
                continue;
            }
            if (index.isDirectory(e.getKey())) {
                dirs.merge(path, e.getValue(), Long::sum);
            } else {
                entries.add(new SpaceEntry(path, false, e.getValue()));
            }
            if (path.equals(under)) {
                continue;
            }
            for (int slash = path.lastIndexOf('/'); slash >= 0; slash = path.lastIndexOf('/', slash - 1)) {
                String dir = slash == 0 ? "/" : path.substring(0, slash);
                if (dir.length() < under.length() && !under.equals("/")) {
                    break;
                }
                dirs.merge(dir, e.getValue(), Long::sum);
                if (slash == 0) {
                    break;
                }
            }
        }
        dirs.forEach((d, bytes) -> entries.add(new SpaceEntry(d, true, bytes)));
        entries.sort(Comparator.comparingLong(SpaceEntry::allocatedBytes).reversed()
                .thenComparing(SpaceEntry::path));
        return new SpaceReport(total, inFiles, inMetadata, free,
                Math.max(0, total - inFiles - inMetadata - free),
                entries.subList(0, Math.min(limit, entries.size())), disk.clusterSize());
    }

    /** The image's own allocated ranges, merged, in guest order. */
    static List<long[]> allocatedRanges(VirtualDisk disk) throws IOException {
        List<long[]> out = new ArrayList<>();
        long at = 0;
        while (at < disk.size()) {
            if (Thread.currentThread().isInterrupted()) {
                throw new InterruptedIOException("cancelled");
            }
            List<MapEntry> map = disk.map(at, disk.size() - at);
            for (MapEntry e : map) {
                if (e.data() && e.depth() == 0) {
                    if (!out.isEmpty() && out.get(out.size() - 1)[1] == e.start()) {
                        out.get(out.size() - 1)[1] = e.end();
                    } else {
                        out.add(new long[] {e.start(), e.end()});
                    }
                }
                at = e.end();
            }
        }
        return out;
    }

    /**
     * Bytes where {@code list} meets the allocated ranges, per owner when asked. Both are sorted; bytes of the
     * list that overlap one another (hard links are indexed once, so only corruption does that) count once each.
     */
    private static long overlap(Intervals list, List<long[]> allocated, Map<Integer, Long> perOwner) {
        long total = 0;
        int a = 0;
        for (int i = 0; i < list.size(); i++) {
            long s = list.start(i);
            long e = list.end(i);
            while (a < allocated.size() && allocated.get(a)[1] <= s) {
                a++;
            }
            long bytes = 0;
            for (int j = a; j < allocated.size() && allocated.get(j)[0] < e; j++) {
                bytes += Math.min(e, allocated.get(j)[1]) - Math.max(s, allocated.get(j)[0]);
            }
            if (bytes > 0) {
                total += bytes;
                if (perOwner != null) {
                    perOwner.merge(list.owner(i), bytes, Long::sum);
                }
            }
        }
        return total;
    }
}
