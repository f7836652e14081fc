package qcowdesk.engine.contents.probe;

import java.io.IOException;
import java.util.List;
import java.util.Optional;

import qcowdesk.engine.contents.io.ByteSource;
import qcowdesk.engine.contents.io.ContentsException;

/**
 * Identifies what a volume holds, like {@code blkid -p}: the probers are tried in turn; the first that recognises
 * its superblock wins. Containers that sit at the very start (LUKS, LVM, swap) come before the filesystems that
 * could leave stale signatures further in.
 */
public final class Probes {

    private static final List<FilesystemProber> PROBERS = List.of(new LuksProber(), new LvmProber(),
            new SwapProber(), new XfsProber(), new ExtProber(), new BtrfsProber(), new NtfsProber(),
            new ExfatProber(), new FatProber(), new Iso9660Prober());

    private Probes() {
    }

    /** What the volume holds, or empty when no prober recognises it. Reads failing mid-probe are ignored. */
    public static Optional<FsInfo> probe(ByteSource volume) throws IOException {
        for (FilesystemProber prober : PROBERS) {
            try {
                Optional<FsInfo> info = prober.probe(volume);
                if (info.isPresent()) {
                    return info;
                }
            } catch (ContentsException damaged) {
                // a field pointing outside the volume: not this kind (or too damaged to name); try the others
            }
        }
        return Optional.empty();
    }
}
