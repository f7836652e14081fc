package qcowdesk.engine.contents.space;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import qcowdesk.engine.contents.io.ContentsException;
import qcowdesk.engine.contents.DiskContents;
import qcowdesk.engine.contents.Volume;
import qcowdesk.engine.contents.fs.FileNode;
import qcowdesk.engine.contents.fs.FileSystemReader;
import qcowdesk.engine.contents.fs.Region;
import qcowdesk.engine.contents.partition.PartitionScheme;
import qcowdesk.engine.contents.partition.PartitionTable;
import qcowdesk.engine.qcow2.tools.ProgressListener;

/**
 * The reverse of the file readers: for any byte of the guest disk, what holds it — a file (and where in it), a
 * filesystem's metadata, its free space, the partition table, or nothing at all. Built once, by walking every
 * browsable filesystem, then queried many times (the allocation map's tooltips). Memory is bounded by
 * {@link #MAX_INTERVALS}; past it the index says it is incomplete.
 */
public final class ClusterIndex {

    public static final int MAX_INTERVALS = 4_000_000;

    private final Intervals files = new Intervals();
    private final Intervals metadata = new Intervals();
    private final Intervals free = new Intervals();
    private final Intervals volumes = new Intervals();
    private final List<String> owners = new ArrayList<>();
    private final List<String> problems = new ArrayList<>();
    private final java.util.Set<String> hardLinked = new java.util.HashSet<>();
    /** Owners that are directories (their own blocks count for them, not as a file). */
    private final java.util.Set<Integer> directories = new java.util.HashSet<>();
    private boolean complete = true;

    private ClusterIndex() {
    }

    /**
     * Walks every volume of {@code contents}. Progress is reported per file (total 0: unknown); an interrupt
     * cancels with {@link java.io.InterruptedIOException}.
     */
    public static ClusterIndex build(DiskContents contents, ProgressListener progress) throws IOException {
        ClusterIndex index = new ClusterIndex();
        PartitionTable table = contents.table();
        if (table.scheme() != PartitionScheme.NONE) {
            long tableEnd = table.scheme() == PartitionScheme.GPT ? table.firstUsableLba() * table.sectorSize()
                    : table.sectorSize();
            index.volumes.add(0, tableEnd, index.owner("partition table"), -1);
        }
        for (Volume v : contents.volumes()) {
            index.addVolume(v, progress);
        }
        index.files.sort();
        index.metadata.sort();
        index.free.sort();
        index.volumes.sort();
        return index;
    }

    private int owner(String name) {
        owners.add(name);
        return owners.size() - 1;
    }

    private void addVolume(Volume v, ProgressListener progress) throws IOException {
        long base = v.source().diskOffset();
        String what = v.fs().map(f -> f.type()).orElse("no filesystem") + " on " + v.describe();
        volumes.add(base, v.source().size(), owner(what), -1);
        if (v.fs().isEmpty() || !v.fs().get().browsable()) {
            return;
        }
        FileSystemReader fs;
        try {
            fs = v.open();
        } catch (ContentsException unreadable) {
            problems.add(v.describe() + ": " + unreadable.getMessage());
            return;
        }
        String phase = "indexing files on " + v.describe();
        long[] count = {0};
        TreeWalker walker = new TreeWalker();
        addFile(fs, fs.root(), base);
        walker.walk(fs, fs.root(), node -> {
            addFile(fs, node, base);
            if (++count[0] % 256 == 0) {
                progress.onProgress(phase, count[0], 0);
            }
        });
        problems.addAll(walker.problems());
        fs.regions(r -> {
            if (!full()) {
                Intervals target = r.what().equals(Region.FREE) ? free : metadata;
                target.add(base + r.volumeOffset(), r.length(), target == free ? -1 : owner(r.what()), -1);
            }
        });
        progress.onProgress(phase, count[0], count[0]);
    }

    private void addFile(FileSystemReader fs, FileNode node, long base) throws IOException {
        if (full() || node.links() > 1 && !node.isDirectory() && !hardLinked.add(base + ":" + node.id())) {
            return;   // a further name of a file already indexed
        }
        try {
            int[] id = {-1};
            fs.extents(node, e -> {
                if (id[0] < 0) {
                    id[0] = owner(node.path());
                    if (node.isDirectory()) {
                        directories.add(id[0]);
                    }
                }
                if (!full()) {
                    files.add(base + e.volumeOffset(), e.length(), id[0], e.fileOffset());
                }
            });
            int[] m = {id[0]};
            fs.metadataOf(node, e -> {
                if (m[0] < 0) {
                    m[0] = owner(node.path());
                }
                if (!full()) {
                    metadata.add(base + e.volumeOffset(), e.length(), m[0], -2);
                }
            });
        } catch (ContentsException broken) {
            if (problems.size() < TreeWalker.MAX_PROBLEMS) {
                problems.add(node.path() + ": " + broken.getMessage());
            }
        }
    }

    private boolean full() {
        if (files.size() + metadata.size() + free.size() >= MAX_INTERVALS) {
            complete = false;
            return true;
        }
        return false;
    }

    /** Whether every extent fitted within the memory bound. */
    public boolean complete() {
        return complete;
    }

    /** Directories or files that could not be read while indexing. */
    public List<String> problems() {
        return List.copyOf(problems);
    }

    /** What holds the bytes {@code [start, start+length)} of the guest disk, at most {@code max} holders. */
    public List<Holder> holders(long start, long length, int max) {
        List<Holder> out = new ArrayList<>();
        long end = start + length;
        collect(files, start, end, max, out, Holder.Kind.FILE);
        collect(metadata, start, end, max, out, Holder.Kind.METADATA);
        collect(free, start, end, max, out, Holder.Kind.FREE);
        if (out.isEmpty()) {
            int i = volumes.firstOverlapping(start);
            if (volumes.size() > 0 && volumes.start(i) <= start && volumes.end(i) > start) {
                String what = owners.get(volumes.owner(i));
                out.add(what.equals("partition table") ? new Holder(Holder.Kind.PARTITION_TABLE, "", -1, what)
                        : new Holder(Holder.Kind.UNATTRIBUTED, "", -1, what));
            } else {
                out.add(new Holder(Holder.Kind.OUTSIDE_PARTITIONS, "", -1, "outside every partition"));
            }
        }
        return out;
    }

    private void collect(Intervals list, long start, long end, int max, List<Holder> out, Holder.Kind kind) {
        if (list.size() == 0) {
            return;
        }
        for (int i = list.firstOverlapping(start); i < list.size() && list.start(i) < end && out.size() < max; i++) {
            if (list.end(i) <= start) {
                continue;
            }
            switch (kind) {
                case FILE -> out.add(new Holder(Holder.Kind.FILE, owners.get(list.owner(i)),
                        list.fileOffset(i) + Math.max(0, start - list.start(i)), ""));
                case METADATA -> {
                    boolean ofFile = list.fileOffset(i) == -2;
                    String name = owners.get(list.owner(i));
                    out.add(ofFile ? new Holder(Holder.Kind.FILE_METADATA, name, -1, "block map")
                            : new Holder(Holder.Kind.METADATA, "", -1, name));
                }
                default -> out.add(new Holder(Holder.Kind.FREE, "", -1, Region.FREE));
            }
        }
    }

    Intervals files() {
        return files;
    }

    Intervals metadata() {
        return metadata;
    }

    Intervals free() {
        return free;
    }

    Intervals volumes() {
        return volumes;
    }

    String owner(int i) {
        return owners.get(i);
    }

    boolean isDirectory(int owner) {
        return directories.contains(owner);
    }
}
