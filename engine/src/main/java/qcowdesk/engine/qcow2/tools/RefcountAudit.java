package qcowdesk.engine.qcow2.tools;

import qcowdesk.engine.qcow2.format.L1Entry;
import qcowdesk.engine.qcow2.format.RefcountBlockCodec;
import qcowdesk.engine.qcow2.FileIo;
import qcowdesk.engine.qcow2.format.Qcow2Header;
import qcowdesk.engine.qcow2.format.L2Entry;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One pass of {@code qemu-img check}'s refcount verification: walk the metadata counting references, then stream
 * the refcount blocks and compare each cluster's refcount with its references. Optionally fixes mismatches in
 * place (block by block) and COPIED flags.
 *
 * <p>In-place fixes are crash safe without a particular order: each refcount entry is rewritten to the true count
 * of references, and while the image is locked nothing else changes it, so a torn block write leaves every entry
 * either at its old value or at the correct one.
 */
final class RefcountAudit {

    /** What one pass found and fixed. */
    record Result(CheckReport report, long leaksFixed, long corruptionsFixed) {
    }

    private final FileChannel file;
    private final Qcow2Header header;
    private final String filename;
    private final ProgressListener progress;
    private final int clusterSize;
    private final int clusterBits;
    private final List<String> messages = new ArrayList<>();
    private long corruptions;
    private long leaks;
    private long leaksFixed;
    private long corruptionsFixed;
    private boolean rebuild;

    RefcountAudit(FileChannel file, Qcow2Header header, String filename, ProgressListener progress) {
        this.file = file;
        this.header = header;
        this.filename = filename;
        this.progress = progress;
        this.clusterSize = header.clusterSize();
        this.clusterBits = header.clusterBits();
    }

    /**
     * @param fixRefcounts null to only look; LEAKS to lower refcounts that are too high; ALL to also raise those
     *                     that are too low (a zero refcount of a used cluster needs a rebuild instead)
     * @param fixCopied    rewrite COPIED flags that disagree with the refcounts on disk
     */
    Result run(RepairMode fixRefcounts, boolean fixCopied) throws IOException {
        MetadataWalker walker = new MetadataWalker(file, header, progress);
        RefcountReader reader = new RefcountReader(file, header, walker);
        long fileClusters = (walker.fileSize() + clusterSize - 1) >>> clusterBits;
        ReferenceCounts refs = ReferenceCounts.forFile(clusterBits, fileClusters);
        Collector collector = new Collector(refs, reader, fixCopied);
        walker.walk(collector);
        checkRefcountBlocksAreOwnedOnce(reader, refs);
        long highest = compare(reader, refs, fileClusters, fixRefcounts);
        if (fixRefcounts != null || fixCopied) {
            file.force(true);
        }
        long totalClusters = (header.size() + clusterSize - 1) >>> clusterBits;
        CheckReport report = new CheckReport(filename, "qcow2", 0, leaks, corruptions + collector.corruptions,
                highest < 0 ? 0 : (highest + 1) * clusterSize, totalClusters, collector.allocated,
                collector.fragmented, collector.compressed, rebuild, messages);
        return new Result(report, leaksFixed, corruptionsFixed + collector.copiedFixed);
    }

    private void checkRefcountBlocksAreOwnedOnce(RefcountReader reader, ReferenceCounts refs) {
        for (int i = 0; i < reader.blockCount(); i++) {
            long offset = reader.blockOffset(i);
            if (offset != 0 && refs.get(offset >>> clusterBits) != 1) {
                note("refcount block " + i + " at 0x" + Long.toHexString(offset) + " is also used by "
                        + "other metadata (reference count " + refs.get(offset >>> clusterBits) + ")");
                corruptions++;
                rebuild = true;
            }
        }
    }

    /** Compares refcounts with references cluster by cluster; returns the highest cluster in use, or -1. */
    private long compare(RefcountReader reader, ReferenceCounts refs, long fileClusters, RepairMode fix)
            throws IOException {
        RefcountBlockCodec codec = reader.codec();
        long perBlock = reader.entriesPerBlock();
        long blocks = (fileClusters + perBlock - 1) / perBlock;
        long highest = -1;
        for (long b = 0; b < blocks; b++) {
            ByteBuffer block = reader.block(b);
            boolean dirty = false;
            long first = b * perBlock;
            long end = Math.min(fileClusters, first + perBlock);
            for (long c = first; c < end; c++) {
                long disk = block == null ? 0 : codec.get(block, (int) (c - first));
                long ref = refs.get(c);
                if (disk > 0 || ref > 0) {
                    highest = c;
                }
                if (disk != ref && mismatch(c, disk, ref, fix, codec)) {
                    codec.set(block, (int) (c - first), ref);
                    dirty = true;
                }
            }
            if (dirty) {
                reader.writeBlock(b, block);
            }
            progress.onProgress("comparing refcounts", b + 1, blocks);
        }
        // Clusters referenced past the end of the file are errors, not part of the image: like qemu-img, they do
        // not move the end offset.
        for (Map.Entry<Long, Long> outside : refs.outsideFile().entrySet()) {
            long c = outside.getKey();
            long disk = reader.get(c);
            if (disk != outside.getValue()) {
                mismatch(c, disk, outside.getValue(), null, codec);
            }
        }
        if (refs.outsideDropped() > 0) {
            corruptions += refs.outsideDropped();
            note(refs.outsideDropped() + " more clusters referenced past the end of the file");
        }
        return highest;
    }

    /** Counts one mismatch as qemu-img does; returns true when the refcount should be rewritten in place. */
    private boolean mismatch(long cluster, long disk, long ref, RepairMode fix, RefcountBlockCodec codec) {
        String where = "cluster " + cluster + " refcount=" + disk + " reference=" + ref;
        if (disk == 0) {
            // A used cluster with no refcount at all: QEMU rebuilds the whole structure rather than patching it.
            rebuild = true;
        } else if (disk > ref && fix != null) {
            leaksFixed++;
            return true;
        } else if (disk < ref && fix == RepairMode.ALL && ref <= codec.max()) {
            corruptionsFixed++;
            return true;
        }
        if (disk < ref) {
            corruptions++;
            note("ERROR " + where);
        } else {
            leaks++;
            note("Leaked " + where);
        }
        return false;
    }

    private void note(String message) {
        if (messages.size() < CheckReport.MAX_MESSAGES) {
            messages.add(message);
        }
    }

    /** Counts references and guest statistics; checks COPIED flags against the refcounts on disk. */
    private final class Collector implements MetadataVisitor {
        private final ReferenceCounts refs;
        private final RefcountReader reader;
        private final boolean fixCopied;
        long corruptions;
        long allocated;
        long fragmented;
        long compressed;
        long copiedFixed;
        private long table = -1;
        private long nextContiguous;

        Collector(ReferenceCounts refs, RefcountReader reader, boolean fixCopied) {
            this.refs = refs;
            this.reader = reader;
            this.fixCopied = fixCopied;
        }

        @Override
        public void referenced(long offset, long length, HostClusterKind kind) {
            refs.add(offset, length);
        }

        @Override
        public void guestCluster(long l2TableOffset, long hostOffset, boolean isCompressed) {
            if (l2TableOffset != table) {
                table = l2TableOffset;
                nextContiguous = 0;
            }
            allocated++;
            if (isCompressed) {
                compressed++;
                fragmented++; // as qemu-img counts them: compressed clusters are fragmented by nature
                return;
            }
            if (nextContiguous != 0 && hostOffset != nextContiguous) {
                fragmented++;
            }
            nextContiguous = hostOffset + clusterSize;
        }

        @Override
        public void corruption(String message) {
            corruptions++;
            note("ERROR " + message);
        }

        @Override
        public void activeL1Entry(int l1Index, long entry) throws IOException {
            long l2 = L1Entry.offset(entry);
            checkCopied(entry, reader.get(l2 >>> clusterBits),
                    header.l1TableOffset() + (long) L1Entry.ENCODED_LENGTH * l1Index,
                    "L2 table at L1 index " + l1Index);
        }

        @Override
        public void activeL2Entry(long l2TableOffset, int index, long entry) throws IOException {
            long offset = L2Entry.offset(entry);
            // Clusters of an external data file have no refcounts: QEMU treats them as exclusively owned.
            long refcount = header.hasExternalDataFile() ? 1 : reader.get(offset >>> clusterBits);
            checkCopied(entry, refcount, l2TableOffset + (long) index * header.l2EntrySize(),
                    "data cluster 0x" + Long.toHexString(offset));
        }

        /** The COPIED flag must be set exactly when the refcount is 1 (only then may QEMU write in place). */
        private void checkCopied(long entry, long refcount, long entryOffset, String what) throws IOException {
            boolean copied = L2Entry.isCopied(entry);
            if ((refcount == 1) == copied) {
                return;
            }
            if (fixCopied) {
                long fixed = refcount == 1 ? entry | L2Entry.COPIED : entry & ~L2Entry.COPIED;
                FileIo.writeFully(file, ByteBuffer.allocate(L2Entry.ENCODED_LENGTH).putLong(0, fixed), entryOffset);
                copiedFixed++;
            } else {
                corruptions++;
                note("ERROR COPIED flag of " + what + " is " + copied + " but its refcount is " + refcount);
            }
        }
    }
}
