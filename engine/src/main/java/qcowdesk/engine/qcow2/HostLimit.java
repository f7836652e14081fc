package qcowdesk.engine.qcow2;

import qcowdesk.engine.EngineException;
import qcowdesk.engine.ErrorCode;

import java.io.IOException;

/**
 * Where the host clusters of one file may lie, for reads: an L2 entry that points past it is corrupt (or crafted),
 * and reading it is refused instead of quietly returning zeros (QEMU 7.2 returns zeros). In the image file the
 * limit is the end of the file rounded up to a whole cluster; the file may grow while it is open (our own writer,
 * or another one with the image shared), so a miss reads the size again before refusing, and a hit costs one
 * volatile read. In an external data file host offset = guest offset, so the limit is the disk's size rounded up
 * to a cluster; a data file shorter than that reads as zeros past its end, as a sparse raw file does.
 */
final class HostLimit {

    private final ImageFile file;
    private final long clusterMask;
    private final String fileWords;
    private volatile long end;

    private HostLimit(ImageFile file, long clusterSize, long fixedEnd, String fileWords) {
        this.file = file;
        this.clusterMask = clusterSize - 1;
        this.fileWords = fileWords;
        this.end = fixedEnd;
    }

    /** The image file's own end (it may grow). */
    static HostLimit ofImageFile(ImageFile file, int clusterSize) throws IOException {
        HostLimit limit = new HostLimit(file, clusterSize, 0, "the image file");
        limit.end = limit.roundedFileSize();
        return limit;
    }

    /** A fixed end: the external data file's guest size. */
    static HostLimit fixed(long end, int clusterSize) {
        return new HostLimit(null, clusterSize, (end + clusterSize - 1) & -(long) clusterSize,
                "the data file's guest size");
    }

    /** Refuses {@code [host, host+length)} unless it lies below the limit. */
    void require(long host, long length, String what) throws IOException {
        if (host >= 0 && host + length <= end) {
            return;
        }
        if (file != null) {
            end = Math.max(end, roundedFileSize());
            if (host >= 0 && host + length <= end) {
                return;
            }
        }
        throw new EngineException(ErrorCode.INVALID_IMAGE, String.format("refusing to read %s at host offset 0x%x: "
                + "it is past the end of %s (%d bytes); the image is corrupt", what, host, fileWords, end));
    }

    private long roundedFileSize() throws IOException {
        return (file.size() + clusterMask) & ~clusterMask;
    }
}
