package qcowdesk.engine.qcow2.tools;

import qcowdesk.engine.EngineException;
import qcowdesk.engine.ErrorCode;
import qcowdesk.engine.qcow2.FileIo;
import qcowdesk.engine.qcow2.HeaderFile;
import qcowdesk.engine.qcow2.format.HeaderLayout;
import qcowdesk.engine.qcow2.format.L1Entry;
import qcowdesk.engine.qcow2.format.L2Entry;
import qcowdesk.engine.qcow2.format.Qcow2Header;
import qcowdesk.engine.qcow2.format.SnapshotTable;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;

/**
 * Replaces an image's whole reference graph (active L1 table, snapshot table, refcount structures) with a new one
 * committed by a single header write: how internal snapshots are created, applied and deleted crash-safely.
 *
 * <p>Why not in place, as QEMU does: changing refcounts and COPIED flags one table at a time passes through states
 * where a COPIED flag disagrees with its cluster's refcount, which {@code qemu-img check} reports as corruption (in
 * both directions), so a crash there leaves a "corrupt" image. Instead everything new is written where the old
 * generation has nothing: into clusters its refcounts call free (the space a previous generation left), else
 * past the end of the file:
 * <ol>
 *   <li>the new snapshot's L1 table (a copy of the active one, still pointing at the current L2 tables) and the new
 *       snapshot table;</li>
 *   <li>fresh copies of every L2 table the new active L1 reaches, each data entry's COPIED flag set exactly when its
 *       cluster's refcount in the new graph is 1, and the new active L1 pointing at them (COPIED: each copy has
 *       refcount 1). Snapshot L1 tables keep their old L2 tables, whose flags {@code qemu-img check} does not judge
 *       (qcow2-refcount.c, check_oflag_copied walks the active L1 only);</li>
 *   <li>refcount blocks and a table counted from scratch over the new graph (themselves included), also in free
 *       clusters when a long enough run is left;</li>
 *   <li>fsync, one write of the header fields from size to snapshots_offset (one sector), fsync.</li>
 * </ol>
 * A crash before the header write leaves the old generation in force, untouched (what was written lies in its
 * free clusters, or past its end); a crash after it leaves the new one complete. The old generation's clusters are unreferenced in the new refcounts:
 * free space that later allocations reuse.
 *
 * <p>Persistent dirty bitmaps belong to no generation: their directory, bitmap tables and data clusters are left
 * where they are and as they are (the header's extensions are not rewritten, so the bitmaps extension still points
 * at the directory). They stay safe because the old refcounts count them (nothing new is written over them) and
 * the new refcounts are counted by the same walk of the metadata that the checker does, bitmaps included.
 */
public final class MetadataGeneration {

    /**
     * What the new generation holds.
     *
     * @param snapshots     the new snapshot table; an entry whose L1 offset is 0 gets a copy of the current active
     *                      L1 table written for it (a snapshot being created)
     * @param activeSource  offset of the L1 table whose L2 tables the new active table copies (the current active
     *                      table, or the snapshot being applied)
     * @param sourceEntries entries of that table
     * @param activeEntries entries of the new active L1 table (at least {@code sourceEntries}; the rest are empty)
     * @param diskSize      the new virtual size
     */
    public record Plan(List<SnapshotTable.Snapshot> snapshots, long activeSource, int sourceEntries,
                       int activeEntries, long diskSize) {
        public Plan {
            snapshots = List.copyOf(snapshots);
            if (activeEntries < sourceEntries) {
                throw new IllegalArgumentException("the new active L1 table is smaller than its source");
            }
        }
    }

    private final FileChannel file;
    private final Qcow2Header header;
    private final int clusterSize;
    private final ProgressListener progress;
    private final BooleanSupplier cancelled;
    private final FreeClusters free;
    private long end;

    private MetadataGeneration(FileChannel file, Qcow2Header header, ProgressListener progress,
                               BooleanSupplier cancelled) throws IOException {
        this.file = file;
        this.header = header;
        this.clusterSize = header.clusterSize();
        this.progress = progress;
        this.cancelled = cancelled;
        this.end = roundUp(file.size());
        this.free = new FreeClusters(file, header);
    }

    /**
     * Writes the generation {@code plan} describes and switches the image to it. The file must be locked against
     * other writers and its current metadata consistent (the caller checked it). On failure or cancel before the
     * switch the file is cut back to its old length and the image is as it was (free clusters may hold copies that
     * nothing references).
     *
     * @return the header now in force
     */
    public static Qcow2Header commit(FileChannel file, Qcow2Header header, Plan plan, ProgressListener progress,
                                     BooleanSupplier cancelled) throws IOException {
        long oldLength = file.size();
        Qcow2Header next;
        try {
            next = new MetadataGeneration(file, header, progress, cancelled).write(plan);
        } catch (IOException | RuntimeException e) {
            try {
                file.truncate(oldLength);
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        HeaderFile.patch(file, HeaderLayout.generation(next.size(), next.cryptMethod(), next.l1Size(),
                next.l1TableOffset(), next.refcountTableOffset(), next.refcountTableClusters(), next.nbSnapshots(),
                next.snapshotsOffset()));
        file.force(true);
        return next;
    }

    /**
     * Refuses an image whose refcounts are not exact (corruptions, check errors): the new generation's COPIED flags
     * and counts are derived from the references, and carrying damage forward would hide it. Leaks are fine: the
     * new refcounts simply drop them.
     */
    public static void requireConsistent(FileChannel file, Qcow2Header header, String name,
                                         ProgressListener progress) throws IOException {
        CheckReport report = new RefcountAudit(file, header, name, progress).run(null, false).report();
        if (report.corruptions() > 0 || report.checkErrors() > 0) {
            throw new EngineException(ErrorCode.INVALID_IMAGE, name + " has " + report.corruptions()
                    + " corruption(s) and " + report.checkErrors() + " check error(s); repair it first "
                    + "(qcowctl check -r all)");
        }
    }

    /** Everything up to (not including) the header write, synced. */
    private Qcow2Header write(Plan plan) throws IOException {
        List<SnapshotTable.Snapshot> snapshots = new ArrayList<>();
        for (SnapshotTable.Snapshot s : plan.snapshots()) {
            snapshots.add(s.l1TableOffset() == 0 ? withL1(s, copyActiveL1()) : s);
        }
        long tableOffset = 0;
        if (!snapshots.isEmpty()) {
            byte[] table = SnapshotTable.write(snapshots);
            tableOffset = append(ByteBuffer.wrap(table));
        }
        Qcow2Header viaSource = header.withSnapshots(snapshots.size(), tableOffset)
                .withActiveL1(plan.diskSize(), plan.sourceEntries(), plan.activeSource());
        ReferenceCounts data = dataReferences(viaSource);
        long activeL1 = copyActiveTree(plan, data);
        Qcow2Header view = viaSource.withActiveL1(plan.diskSize(), plan.activeEntries(), activeL1);
        checkCancelled();
        RefcountRebuilder.Written refcounts = RefcountRebuilder.writeFromScratch(file, view, free, progress);
        checkCancelled();
        file.force(true);
        return view.withRefcountTable(refcounts.tableOffset(), refcounts.tableClusters());
    }

    private SnapshotTable.Snapshot withL1(SnapshotTable.Snapshot s, long l1Offset) {
        return new SnapshotTable.Snapshot(l1Offset, Integer.toUnsignedLong(header.l1Size()), s.id(), s.name(),
                s.dateSec(), s.dateNsec(), s.vmClockNsec(), s.vmStateSize(), s.diskSize(), s.icount(),
                s.extraTail());
    }

    /** The snapshot's L1 table: the active one as it is, pointing at the current L2 tables (as QEMU does). */
    private long copyActiveL1() throws IOException {
        return append(readL1(header.l1TableOffset(), header.l1Size()));
    }

    /**
     * How often each data cluster is referenced in the new graph. The new active L2 tables will hold the same
     * pointers as the source's, so walking the source in their place counts data exactly.
     */
    private ReferenceCounts dataReferences(Qcow2Header viaSource) throws IOException {
        MetadataWalker walker = new MetadataWalker(file, viaSource, progress);
        ReferenceCounts refs = ReferenceCounts.forFile(header.clusterBits(), roundUp(walker.fileSize())
                >>> header.clusterBits());
        walker.walk((offset, length, kind) -> {
            if (kind == HostClusterKind.DATA || kind == HostClusterKind.COMPRESSED_DATA) {
                refs.add(offset, length);
            }
        });
        return refs;
    }

    /** Fresh copies of the source's L2 tables with exact COPIED flags, and the new active L1 over them. */
    private long copyActiveTree(Plan plan, ReferenceCounts data) throws IOException {
        ByteBuffer source = readL1(plan.activeSource(), plan.sourceEntries());
        ByteBuffer active = ByteBuffer.allocate(plan.activeEntries() * L1Entry.ENCODED_LENGTH);
        ByteBuffer l2 = ByteBuffer.allocate(clusterSize);
        for (int i = 0; i < plan.sourceEntries(); i++) {
            long entry = source.getLong(i * L1Entry.ENCODED_LENGTH);
            long l2Offset = L1Entry.offset(entry);
            if (l2Offset == 0) {
                continue;
            }
            FileIo.read(file, l2.clear(), l2Offset);
            setCopiedFlags(l2, data);
            active.putLong(i * L1Entry.ENCODED_LENGTH, L1Entry.owned(append(l2)));
            if ((i & 63) == 0) {
                checkCancelled();
                progress.onProgress("copying L2 tables", i, plan.sourceEntries());
            }
        }
        return append(active);
    }

    private void setCopiedFlags(ByteBuffer l2, ReferenceCounts data) {
        int entrySize = header.l2EntrySize();
        for (int at = 0; at < clusterSize; at += entrySize) {
            long entry = l2.getLong(at);
            if (!L2Entry.hasHostCluster(entry, false)) {
                continue; // compressed, zero without a cluster, unallocated: no COPIED flag to keep exact
            }
            boolean owned = data.get(L2Entry.offset(entry) >>> header.clusterBits()) == 1;
            l2.putLong(at, owned ? entry | L2Entry.COPIED : entry & ~L2Entry.COPIED);
        }
    }

    private ByteBuffer readL1(long offset, long entries) throws IOException {
        return FileIo.read(file, ByteBuffer.allocate((int) (entries * L1Entry.ENCODED_LENGTH)), offset);
    }

    /**
     * Writes {@code bytes} into clusters free in the current generation (or past the end of the file when no run
     * is long enough) and returns where.
     */
    private long append(ByteBuffer bytes) throws IOException {
        int length = bytes.remaining();
        long at = free.take(roundUp(Math.max(length, 1)) >>> header.clusterBits());
        if (at < 0) {
            at = end;
            end = roundUp(at + Math.max(length, 1));
        }
        FileIo.writeFully(file, bytes.duplicate(), at);
        return at;
    }

    private long roundUp(long bytes) {
        return (bytes + clusterSize - 1) & -(long) clusterSize;
    }

    private void checkCancelled() {
        if (cancelled.getAsBoolean()) {
            throw new CancellationException("cancelled; the image is unchanged");
        }
    }
}
