package qcowdesk.engine.qcow2.tools;

import qcowdesk.engine.qcow2.format.RefcountStructure;
import qcowdesk.engine.qcow2.format.RefcountBlockCodec;
import qcowdesk.engine.qcow2.format.HeaderLayout;
import qcowdesk.engine.qcow2.HeaderFile;
import qcowdesk.engine.qcow2.FileIo;
import qcowdesk.engine.qcow2.format.Qcow2Header;

import qcowdesk.engine.EngineException;
import qcowdesk.engine.ErrorCode;

import java.io.IOException;
import java.nio.channels.FileChannel;

/**
 * Replaces a damaged refcount structure with one computed from the references alone.
 *
 * <p>Crash safety: the new refcount blocks and table are written after the current end of the file, where nothing
 * lives, and flushed; only then does one small header write (refcount table offset and size, both in the first
 * sector) switch to them, and that is flushed too. A crash before the switch leaves the old structure in force and
 * some unused clusters past it; after the switch the new structure is complete. The old structure's clusters end
 * up unreferenced with refcount 0: free, not leaked.
 */
final class RefcountRebuilder {

    private RefcountRebuilder() {
    }

    /** Where new refcount structures were written: the values for the header's two refcount table fields. */
    record Written(long tableOffset, int tableClusters) {
    }

    /** Where a run of clusters may go inside the file; -1 to append them past its end. */
    @FunctionalInterface
    interface Placement {
        Placement APPEND = clusters -> -1;

        long take(long clusters) throws IOException;
    }

    static void rebuild(FileChannel file, Qcow2Header header, ProgressListener progress) throws IOException {
        Written written = writeFromScratch(file, header, Placement.APPEND, progress);
        file.force(true);
        HeaderFile.patch(file, HeaderLayout.refcountTable(written.tableOffset(), written.tableClusters()));
        file.force(true);
    }

    /**
     * Counts every reference of the metadata {@code header} describes (which need not be the header on disk yet)
     * and writes refcount blocks and a table for exactly those counts, counting themselves: in one run of clusters
     * {@code placement} gives (free ones, which nothing references), else past the end of the file. Nothing is
     * synced and the header is not touched: the caller switches to them.
     */
    static Written writeFromScratch(FileChannel file, Qcow2Header header, Placement placement,
                                    ProgressListener progress) throws IOException {
        int cs = header.clusterSize();
        int bits = header.clusterBits();
        MetadataWalker walker = new MetadataWalker(file, header, progress);
        long start = (walker.fileSize() + cs - 1) >>> bits;
        ReferenceCounts refs = ReferenceCounts.forFile(bits, start);
        walker.walk((offset, length, kind) -> {
            if (kind != HostClusterKind.REFCOUNT_TABLE && kind != HostClusterKind.REFCOUNT_BLOCK) {
                refs.add(offset, length);
            }
        });
        if (!refs.outsideFile().isEmpty() || refs.outsideDropped() > 0) {
            long cluster = refs.outsideFile().isEmpty() ? -1 : refs.outsideFile().firstKey();
            throw new EngineException(ErrorCode.INVALID_IMAGE, "cannot rebuild refcounts: metadata points past the "
                    + "end of the file (host cluster " + cluster + "); the image needs data recovery, not a repair");
        }
        RefcountBlockCodec codec = new RefcountBlockCodec(header.refcountOrder());
        if (refs.maxCount() > codec.max()) {
            throw new EngineException(ErrorCode.UNSUPPORTED, "cannot rebuild refcounts: a cluster is referenced "
                    + refs.maxCount() + " times, more than " + codec.bits() + "-bit refcounts can hold");
        }
        RefcountStructure refcounts = RefcountStructure.sizedFor(start, codec, cs);
        if (refcounts.tableClusters() * cs > Qcow2Header.MAX_REFTABLE_BYTES) {
            throw new EngineException(ErrorCode.UNSUPPORTED, "cannot rebuild refcounts: the refcount table would need "
                    + refcounts.tableClusters() + " clusters, over the limit of " + Qcow2Header.MAX_REFTABLE_BYTES
                    + " bytes");
        }
        long end = start + refcounts.clusters();
        long inside = placement.take(refcounts.clusters());
        if (inside >= 0) {
            refs.add(inside, refcounts.clusters() * cs); // counted like any reference; the file does not grow
        }
        long blocksAt = inside >= 0 ? inside : start * cs;
        long tableAt = blocksAt + refcounts.blocks() * cs;
        for (long b = 0; b < refcounts.blocks(); b++) {
            // Past the file's old end lie only the structure's own clusters, when it was appended there.
            long pastEnd = inside >= 0 ? 0 : 1;
            FileIo.writeFully(file, refcounts.block(b, end, c -> c < start ? refs.get(c) : pastEnd),
                    blocksAt + b * cs);
            progress.onProgress("writing new refcount blocks", b + 1, refcounts.blocks());
        }
        for (long t = 0; t < refcounts.tableClusters(); t++) {
            FileIo.writeFully(file, refcounts.tableCluster(t, blocksAt), tableAt + t * cs);
        }
        return new Written(tableAt, (int) refcounts.tableClusters());
    }
}
