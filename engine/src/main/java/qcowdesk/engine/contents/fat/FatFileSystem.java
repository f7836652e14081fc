package qcowdesk.engine.contents.fat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

import qcowdesk.engine.ErrorCode;
import qcowdesk.engine.contents.io.ByteSource;
import qcowdesk.engine.contents.io.ContentsException;
import qcowdesk.engine.contents.fs.Extent;
import qcowdesk.engine.contents.fs.FileNode;
import qcowdesk.engine.contents.fs.FileSystemReader;
import qcowdesk.engine.contents.fs.FileType;
import qcowdesk.engine.contents.fs.Listing;
import qcowdesk.engine.contents.fs.Region;

/**
 * Reads FAT12, FAT16 and FAT32 with VFAT long names. Cluster chains are followed no further than a file's size
 * needs (or, for directories, than the 65,536 entries a FAT directory may have), and a directory chain that
 * comes back to a cluster is a loop, reported and cut.
 */
public final class FatFileSystem implements FileSystemReader {

    static final int MAX_DIRECTORY_ENTRIES = 65536;
    private static final int FILE_MODE = 0x8000 | 0644;
    private static final int DIR_MODE = 0x4000 | 0755;

    private final ByteSource volume;
    private final FatBootSector boot;
    private final FatTable fat;
    private final FileNode root;
    /** First cluster (and attributes) of each node handed out: FileNode has no room for them. */
    private final Map<Long, long[]> nodeClusters = java.util.Collections.synchronizedMap(new LinkedHashMap<>(1024,
            0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, long[]> eldest) {
            return size() > 1_000_000;
        }
    });

    private FatFileSystem(ByteSource volume, FatBootSector boot) {
        this.volume = volume;
        this.boot = boot;
        this.fat = new FatTable(volume, boot);
        this.root = new FileNode("", "/", 0, FileType.DIRECTORY, 0, DIR_MODE, 0, 0, 1, Instant.EPOCH,
                Instant.EPOCH, Instant.EPOCH);
        nodeClusters.put(0L, new long[] {boot.fat32() ? boot.rootCluster() : 0});
    }

    public static FatFileSystem open(ByteSource volume) throws IOException {
        return new FatFileSystem(volume, FatBootSector.read(volume));
    }

    @Override
    public String type() {
        return "vfat";
    }

    @Override
    public FileNode root() {
        return root;
    }

    @Override
    public int blockSize() {
        return boot.clusterSize();
    }

    @Override
    public List<String> warnings() {
        return List.of();
    }

    private long firstCluster(FileNode node) throws ContentsException {
        long[] c = nodeClusters.get(node.id());
        if (c == null) {
            throw new ContentsException(ErrorCode.INVALID_ARGUMENT, node.path() + ": not from this FAT volume "
                    + "(list its directory again)");
        }
        return c[0];
    }

    @Override
    public Listing list(FileNode directory) throws IOException {
        if (!directory.isDirectory()) {
            throw new ContentsException(ErrorCode.INVALID_ARGUMENT, directory.path() + ": not a directory");
        }
        List<FatDirectory.Entry> raw = new ArrayList<>();
        List<Listing.EntryError> errors = new ArrayList<>();
        long first = firstCluster(directory);
        if (first == 0 && !boot.fat32()) {
            long at = boot.rootDirOffset();
            byte[] dir = volume.bytes(at, (int) boot.rootDirBytes());
            FatDirectory.parse(dir, i -> at + i, false, new FatDirectory.LongName(), raw, errors,
                    MAX_DIRECTORY_ENTRIES);
        } else {
            long maxClusters = (MAX_DIRECTORY_ENTRIES * 32L + boot.clusterSize() - 1) / boot.clusterSize();
            Set<Long> seen = new HashSet<>();
            FatDirectory.LongName longName = new FatDirectory.LongName();
            try {
                fat.chain(first, maxClusters, directory.path(), (index, cluster) -> {
                    if (!seen.add(cluster)) {
                        errors.add(new Listing.EntryError("?", "the directory's cluster chain loops back to cluster "
                                + cluster + "; the rest is not listed"));
                        return false;
                    }
                    long at = boot.clusterOffset(cluster);
                    byte[] dir = volume.bytes(at, boot.clusterSize());
                    return FatDirectory.parse(dir, i -> at + i, boot.fat32(), longName, raw, errors,
                            MAX_DIRECTORY_ENTRIES);
                });
            } catch (ContentsException broken) {
                errors.add(new Listing.EntryError("?", broken.getMessage()));
            }
        }
        List<FileNode> entries = new ArrayList<>(raw.size());
        for (FatDirectory.Entry e : raw) {
            boolean dir = e.directory();
            int mode = dir ? DIR_MODE : (e.attributes() & FatDirectory.ATTR_READ_ONLY) != 0 ? 0x8000 | 0444
                    : FILE_MODE;
            long id = e.position();
            nodeClusters.put(id, new long[] {e.firstCluster()});
            entries.add(new FileNode(e.name(), directory.childPath(e.name()), id,
                    dir ? FileType.DIRECTORY : FileType.FILE, dir ? 0 : e.size(), mode, 0, 0, 1, e.modified(),
                    e.accessed(), e.created()));
        }
        return new Listing(entries, errors);
    }

    @Override
    public int read(FileNode file, long offset, ByteBuffer dst) throws IOException {
        if (file.isDirectory()) {
            throw new ContentsException(ErrorCode.INVALID_ARGUMENT, file.path() + ": is a directory");
        }
        if (offset >= file.size()) {
            return -1;
        }
        int want = (int) Math.min(dst.remaining(), file.size() - offset);
        int[] done = {0};
        long cs = boot.clusterSize();
        long firstIndex = offset / cs;
        long lastIndex = (offset + want - 1) / cs;
        fat.chain(firstCluster(file), lastIndex + 1, file.path(), (index, cluster) -> {
            if (index < firstIndex) {
                return true;
            }
            long pos = offset + done[0];
            int inCluster = (int) (pos % cs);
            int n = (int) Math.min(want - done[0], cs - inCluster);
            ByteBuffer slice = dst.slice().limit(n);
            volume.read(boot.clusterOffset(cluster) + inCluster, slice);
            dst.position(dst.position() + n);
            done[0] += n;
            return done[0] < want;
        });
        if (done[0] < want) {
            throw new ContentsException(file.path() + ": the cluster chain ends before the file's size of "
                    + file.size() + " bytes");
        }
        return want;
    }

    @Override
    public String readLink(FileNode link) throws ContentsException {
        throw new ContentsException(ErrorCode.INVALID_ARGUMENT, link.path() + ": FAT has no symbolic links");
    }

    @Override
    public void extents(FileNode file, Consumer<Extent> sink) throws IOException {
        long cs = boot.clusterSize();
        long first = firstCluster(file);
        if (first == 0) {
            return;
        }
        long max = file.isDirectory() ? (MAX_DIRECTORY_ENTRIES * 32L + cs - 1) / cs : (file.size() + cs - 1) / cs;
        long[] run = {-1, -1, 0};   // file offset, volume offset, length
        fat.chain(first, max, file.path(), (index, cluster) -> {
            long at = boot.clusterOffset(cluster);
            if (run[0] >= 0 && run[1] + run[2] == at) {
                run[2] += cs;
            } else {
                if (run[0] >= 0) {
                    sink.accept(new Extent(run[0], run[1], run[2]));
                }
                run[0] = index * cs;
                run[1] = at;
                run[2] = cs;
            }
            return true;
        });
        if (run[0] >= 0) {
            sink.accept(new Extent(run[0], run[1], run[2]));
        }
    }

    @Override
    public void regions(Consumer<Region> sink) throws IOException {
        sink.accept(new Region(0, boot.fatOffset(), "FAT boot sector and reserved sectors"));
        sink.accept(new Region(boot.fatOffset(), boot.fatCount() * boot.fatBytes(), "FAT"));
        if (!boot.fat32()) {
            sink.accept(new Region(boot.rootDirOffset(), boot.dataOffset() - boot.rootDirOffset(),
                    "FAT root directory"));
        }
        long cs = boot.clusterSize();
        long runStart = -1;
        for (long c = 2; c <= boot.clusterCount() + 2; c++) {
            boolean free = c < boot.clusterCount() + 2 && fat.next(c) == FatTable.FREE;
            if (free && runStart < 0) {
                runStart = c;
            } else if (!free && runStart >= 0) {
                sink.accept(new Region(boot.clusterOffset(runStart), (c - runStart) * cs, Region.FREE));
                runStart = -1;
            }
        }
    }
}
