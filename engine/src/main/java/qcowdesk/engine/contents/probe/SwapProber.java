package qcowdesk.engine.contents.probe;

import java.io.IOException;
import java.util.Optional;

import qcowdesk.engine.contents.io.ByteSource;
import qcowdesk.engine.contents.io.Le;

/** Linux swap: the signature ends the first page, whatever the page size was on the machine that made it. */
final class SwapProber implements FilesystemProber {

    private static final int[] PAGE_SIZES = {4096, 8192, 16384, 65536};

    @Override
    public Optional<FsInfo> probe(ByteSource volume) throws IOException {
        for (int page : PAGE_SIZES) {
            if (!volume.contains(page - 10, 10)) {
                return Optional.empty();
            }
            byte[] magic = volume.bytes(page - 10, 10);
            if (Le.ascii(magic, 0, "SWAPSPACE2")) {
                byte[] h = volume.bytes(1024, 1024);
                long lastPage = Le.u32(h, 4);
                return Optional.of(new FsInfo("swap", Le.cString(h, 28, 16), Le.uuid(h, 12), "1",
                        (lastPage + 1) * page, -1, page));
            }
            if (Le.ascii(magic, 0, "SWAP-SPACE")) {
                return Optional.of(new FsInfo("swap", "", "", "0", 0, -1, page));
            }
        }
        return Optional.empty();
    }
}
