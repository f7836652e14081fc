package qcowdesk.engine.contents;

import java.io.IOException;
import java.util.Optional;

import qcowdesk.engine.ErrorCode;
import qcowdesk.engine.contents.io.ByteSource;
import qcowdesk.engine.contents.io.ContentsException;
import qcowdesk.engine.contents.ext.ExtFileSystem;
import qcowdesk.engine.contents.fat.FatFileSystem;
import qcowdesk.engine.contents.fs.FileSystemReader;
import qcowdesk.engine.contents.partition.Partition;
import qcowdesk.engine.contents.probe.FsInfo;

/**
 * A partition (or the whole unpartitioned disk) and what it holds.
 *
 * @param partition the partition, or empty for a whole disk
 * @param source    its bytes
 * @param fs        what the probes recognised, if anything
 */
public record Volume(Optional<Partition> partition, ByteSource source, Optional<FsInfo> fs) {

    /** "partition 2" or "the disk", for messages. */
    public String describe() {
        return partition.map(p -> "partition " + p.number()).orElse("the disk");
    }

    /** Opens the filesystem for browsing; a clear error when there is none or it is not a readable kind. */
    public FileSystemReader open() throws IOException {
        FsInfo info = fs.orElseThrow(() -> new ContentsException(ErrorCode.UNSUPPORTED,
                describe() + " holds no filesystem that QcowDesk recognises"));
        if (info.type().startsWith("ext")) {
            return ExtFileSystem.open(source);
        }
        if (info.type().equals("vfat")) {
            return FatFileSystem.open(source);
        }
        throw new ContentsException(ErrorCode.UNSUPPORTED, describe() + " holds " + info.type()
                + ", which QcowDesk can identify but not browse (ext2/3/4 and FAT are browsable)");
    }
}
