package qcowdesk.engine.contents.probe;

import java.io.IOException;
import java.util.Optional;

import qcowdesk.engine.contents.io.ByteSource;

/** One kind of volume: recognises its superblock and reads what it records. */
interface FilesystemProber {

    /** Empty when the volume is not of this kind; a recognised but damaged superblock is also empty. */
    Optional<FsInfo> probe(ByteSource volume) throws IOException;
}
