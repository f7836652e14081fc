package qcowdesk.engine.contents.probe;

import java.io.IOException;
import java.util.Optional;

import qcowdesk.engine.contents.io.ByteSource;
import qcowdesk.engine.contents.io.Le;

/** Btrfs: the primary superblock at 64 KiB. */
final class BtrfsProber implements FilesystemProber {

    private static final int SUPERBLOCK = 0x10000;

    @Override
    public Optional<FsInfo> probe(ByteSource volume) throws IOException {
        if (!volume.contains(SUPERBLOCK, 4096)) {
            return Optional.empty();
        }
        byte[] b = volume.bytes(SUPERBLOCK, 4096);
        if (!Le.ascii(b, 0x40, "_BHRfS_M")) {
            return Optional.empty();
        }
        long total = Le.u64(b, 0x70);
        long used = Le.u64(b, 0x78);
        return Optional.of(new FsInfo("btrfs", Le.cString(b, 0x12b, 256), Le.uuid(b, 0x20), "", total,
                used <= total ? total - used : -1, (int) Le.u32(b, 0x90)));
    }
}
