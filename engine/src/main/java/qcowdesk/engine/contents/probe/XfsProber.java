package qcowdesk.engine.contents.probe;

import java.io.IOException;
import java.util.Optional;

import qcowdesk.engine.contents.io.ByteSource;
import qcowdesk.engine.contents.io.Le;

/** XFS: the big-endian superblock at byte 0. */
final class XfsProber implements FilesystemProber {

    @Override
    public Optional<FsInfo> probe(ByteSource volume) throws IOException {
        if (!volume.contains(0, 512)) {
            return Optional.empty();
        }
        byte[] b = volume.bytes(0, 512);
        if (!Le.ascii(b, 0, "XFSB")) {
            return Optional.empty();
        }
        long blockSize = Le.be32(b, 4);
        if (blockSize < 512 || blockSize > 65536 || Long.bitCount(blockSize) != 1) {
            return Optional.empty();
        }
        return Optional.of(new FsInfo("xfs", Le.cString(b, 108, 12), Le.uuid(b, 32), "",
                Le.be64(b, 8) * blockSize, Le.be64(b, 144) * blockSize, (int) blockSize));
    }
}
