package qcowdesk.engine.contents;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import qcowdesk.engine.ErrorCode;
import qcowdesk.engine.VirtualDisk;
import qcowdesk.engine.contents.io.ByteSource;
import qcowdesk.engine.contents.io.ContentsException;
import qcowdesk.engine.contents.partition.Partition;
import qcowdesk.engine.contents.partition.PartitionScheme;
import qcowdesk.engine.contents.partition.PartitionScanner;
import qcowdesk.engine.contents.partition.PartitionTable;
import qcowdesk.engine.contents.probe.Probes;

/** What a virtual disk holds: its partition table and, for each partition, the probed filesystem. */
public record DiskContents(PartitionTable table, List<Volume> volumes) {

    public DiskContents {
        volumes = List.copyOf(volumes);
    }

    /** Scans {@code disk} seen with {@code attachSectorSize}-byte sectors (512 for an image file). */
    public static DiskContents read(VirtualDisk disk, int attachSectorSize) throws IOException {
        return read(ByteSource.of(disk), attachSectorSize);
    }

    public static DiskContents read(ByteSource disk, int attachSectorSize) throws IOException {
        PartitionTable table = PartitionScanner.scan(disk, attachSectorSize);
        List<Volume> volumes = new ArrayList<>();
        if (table.scheme() == PartitionScheme.NONE) {
            volumes.add(new Volume(Optional.empty(), disk, Probes.probe(disk)));
        }
        for (Partition p : table.partitions()) {
            if (p.container()) {
                continue;
            }
            ByteSource source;
            long length = Math.min(p.size(), Math.max(0, disk.size() - p.offset()));
            if (p.offset() >= disk.size()) {
                continue;
            }
            source = disk.slice(p.offset(), length);
            volumes.add(new Volume(Optional.of(p), source, Probes.probe(source)));
        }
        return new DiskContents(table, volumes);
    }

    /**
     * The volume named on a command line: a partition number, or null for an unpartitioned disk (or the only
     * filesystem when exactly one partition holds one).
     */
    public Volume volume(Integer partition) throws ContentsException {
        if (partition == null) {
            if (table.scheme() == PartitionScheme.NONE) {
                return volumes.get(0);
            }
            List<Volume> withFs = volumes.stream().filter(v -> v.fs().isPresent()).toList();
            if (withFs.size() == 1) {
                return withFs.get(0);
            }
            throw new ContentsException(ErrorCode.INVALID_ARGUMENT, "the disk has " + table.partitions().size()
                    + " partitions; name one as IMAGE:N (see 'qcowctl parts')");
        }
        return volumes.stream().filter(v -> v.partition().map(p -> p.number() == partition).orElse(false))
                .findFirst().orElseThrow(() -> new ContentsException(ErrorCode.INVALID_ARGUMENT,
                        "there is no partition " + partition + " with a filesystem on this disk"));
    }
}
