package qcowdesk.engine.contents.probe;

import java.io.IOException;
import java.util.Optional;

import qcowdesk.engine.contents.io.ByteSource;
import qcowdesk.engine.contents.io.ContentsException;
import qcowdesk.engine.contents.ext.ExtFileSystem;
import qcowdesk.engine.contents.ext.ExtSuperblock;

/** ext2/3/4, named the way libblkid names them: by the features the superblock enables. */
final class ExtProber implements FilesystemProber {

    @Override
    public Optional<FsInfo> probe(ByteSource volume) throws IOException {
        if (!ExtFileSystem.recognises(volume)) {
            return Optional.empty();
        }
        ExtSuperblock sb;
        try {
            sb = ExtSuperblock.read(volume);
        } catch (ContentsException unreadable) {
            return Optional.empty();
        }
        return Optional.of(new FsInfo(sb.typeName(), sb.label(), sb.uuid(), "1.0",
                sb.blocksCount() * sb.blockSize(), sb.freeBlocks() * sb.blockSize(), sb.blockSize()));
    }
}
