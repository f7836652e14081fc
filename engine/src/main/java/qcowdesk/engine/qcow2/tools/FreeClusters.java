package qcowdesk.engine.qcow2.tools;

import qcowdesk.engine.qcow2.format.Qcow2Header;

import java.io.IOException;
import java.nio.channels.FileChannel;

/**
 * Runs of clusters inside the file that the image's current refcounts call free (refcount 0), handed out front to
 * back, each at most once. On an image without corruptions a cluster with refcount 0 is referenced by nothing, so
 * writing there cannot disturb the metadata in force: a new metadata generation reuses the space its predecessor
 * left instead of growing the file every time.
 */
final class FreeClusters implements RefcountRebuilder.Placement {

    private final RefcountReader refcounts;
    private final int clusterBits;
    private final long clusters;
    private long next = 1; // cluster 0 is the header

    FreeClusters(FileChannel file, Qcow2Header header) throws IOException {
        MetadataWalker walker = new MetadataWalker(file, header, ProgressListener.NONE);
        this.refcounts = new RefcountReader(file, header, walker);
        this.clusterBits = header.clusterBits();
        this.clusters = walker.fileSize() >>> clusterBits; // whole clusters only
    }

    /** The offset of {@code count} contiguous free clusters not handed out before, or -1 when none are left. */
    @Override
    public long take(long count) throws IOException {
        long runStart = next;
        for (long c = next; c < clusters; c++) {
            if (refcounts.get(c) != 0) {
                runStart = c + 1;
            } else if (c - runStart + 1 == count) {
                next = c + 1;
                return runStart << clusterBits;
            }
        }
        next = clusters;
        return -1;
    }
}
