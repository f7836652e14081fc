package qcowdesk.engine.qcow2.ops;

import qcowdesk.engine.EngineException;
import qcowdesk.engine.ErrorCode;
import qcowdesk.engine.qcow2.BitmapDirectoryReader;
import qcowdesk.engine.qcow2.HeaderFile;
import qcowdesk.engine.qcow2.InspectionChannel;
import qcowdesk.engine.qcow2.SnapshotTableReader;
import qcowdesk.engine.qcow2.format.Qcow2Header;
import qcowdesk.engine.qcow2.format.SnapshotTable;
import qcowdesk.engine.qcow2.tools.ImageChecker;
import qcowdesk.engine.qcow2.tools.MetadataGeneration;
import qcowdesk.engine.qcow2.tools.ProgressListener;
import qcowdesk.engine.qcow2.tools.RepairLock;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Creating, applying and deleting internal snapshots with {@code qemu-img snapshot}'s semantics: ids are the next
 * number after the highest, names may repeat; apply looks NAME up as an id first, then as a name, while delete
 * (qemu-img's bdrv_snapshot_find) takes the first snapshot of that name only. Each operation writes a new metadata generation and switches to it with one header
 * write ({@link MetadataGeneration}), so a crash leaves the image as it was or as asked, never in between.
 *
 * <p>Persistent dirty bitmaps are kept as {@code qemu-img snapshot} keeps them: neither creating, applying nor
 * deleting a snapshot touches a bitmap (QEMU's qcow2-snapshot.c has no bitmap code; a bitmap tracks the active disk,
 * not a snapshot). Their directory, tables and data clusters stay where they are, the bitmaps extension keeps
 * pointing at the directory, and the new generation's refcounts count them (its rebuild walks them like any other
 * metadata). A bitmap flagged in-use (its writer stopped without storing it) stays flagged: QEMU loads such a bitmap
 * as inconsistent and never stores it back, so its entry, flags and clusters are left exactly as they were there
 * too. Only applying a snapshot of another disk size is refused while the image has bitmaps: QEMU resizes the
 * bitmaps then (and refuses if one is in use), which is not done here.
 *
 * <p>An image left dirty by a writer with lazy refcounts is repaired first, as every writable open repairs it
 * (its refcounts rebuilt by the checker's repair), and the change goes on; the repair is reported through the
 * caller's {@code notes}. Refused: an image someone else has open (attached, or in QEMU), an image marked corrupt or
 * whose refcounts are otherwise not exact (repair first), an external data file (QEMU refuses snapshots there too),
 * and encryption.
 */
public final class InternalSnapshots {

    private InternalSnapshots() {
    }

    /** How one operation derives the new generation from the current header and snapshot table. */
    @FunctionalInterface
    private interface Change {
        MetadataGeneration.Plan plan(FileChannel file, Qcow2Header header, List<SnapshotTable.Snapshot> snapshots)
                throws IOException;
    }

    /** As {@link #create(Path, String, ProgressListener, BooleanSupplier, Consumer)}, notes only logged. */
    public static SnapshotTable.Snapshot create(Path image, String name, ProgressListener progress,
                                                BooleanSupplier cancelled) throws IOException {
        return create(image, name, progress, cancelled, note -> { });
    }

    /**
     * {@code qemu-img snapshot -c NAME}: the disk as it is now becomes snapshot NAME; returns its entry.
     * {@code notes} receives what was done besides (a dirty image repaired first), in words for the user.
     */
    public static SnapshotTable.Snapshot create(Path image, String name, ProgressListener progress,
                                                BooleanSupplier cancelled, Consumer<String> notes)
            throws IOException {
        SnapshotTable.Snapshot[] created = new SnapshotTable.Snapshot[1];
        change(image, "create", name, progress, cancelled, notes, (file, header, snapshots) -> {
            if (snapshots.size() >= Qcow2Header.MAX_SNAPSHOTS) {
                throw new EngineException(ErrorCode.UNSUPPORTED, "could not create snapshot '" + name + "': "
                        + image + " already has " + snapshots.size() + " snapshots, QEMU's limit");
            }
            if (header.refcountBits() == 1) {
                throw new EngineException(ErrorCode.UNSUPPORTED, "could not create snapshot '" + name + "': "
                        + image + " has 1-bit refcounts, which cannot count a cluster shared with a snapshot "
                        + "(qcowctl convert makes a copy with wider refcounts)");
            }
            Instant now = Instant.now();
            // As qemu-img: date in microseconds, no VM state, no VM clock, icount 0; the L1 offset (0 here) is
            // filled in when the copy of the active L1 table is written.
            created[0] = new SnapshotTable.Snapshot(0, Integer.toUnsignedLong(header.l1Size()), nextId(snapshots),
                    name, now.getEpochSecond(), (now.getNano() / 1000) * 1000L, 0, 0, header.size(), 0, null);
            List<SnapshotTable.Snapshot> next = new ArrayList<>(snapshots);
            next.add(created[0]);
            return new MetadataGeneration.Plan(next, header.l1TableOffset(), header.l1Size(), header.l1Size(),
                    header.size());
        });
        return created[0];
    }

    /**
     * {@code qemu-img snapshot -a NAME}: the disk becomes what snapshot NAME holds (its virtual size included);
     * the current state is discarded, the snapshot stays.
     */
    public static void apply(Path image, String name, ProgressListener progress, BooleanSupplier cancelled)
            throws IOException {
        apply(image, name, progress, cancelled, note -> { });
    }

    /** As above; {@code notes} receives what was done besides (a dirty image repaired first). */
    public static void apply(Path image, String name, ProgressListener progress, BooleanSupplier cancelled,
                             Consumer<String> notes) throws IOException {
        change(image, "apply", name, progress, cancelled, notes, (file, header, snapshots) -> {
            SnapshotTable.Snapshot s = snapshots.get(find(snapshots, name, Lookup.ID_THEN_NAME, "apply", image));
            long diskSize = s.diskSize() >= 0 ? s.diskSize() : header.size();
            if (diskSize != header.size() && !BitmapDirectoryReader.read(file, header).entries().isEmpty()) {
                // QEMU truncates the bitmaps to the snapshot's size here (qcow2_snapshot_goto resizes the disk);
                // a bitmap of the wrong size would be refused by QEMU when it loads it.
                throw new EngineException(ErrorCode.UNSUPPORTED, "could not apply snapshot '" + name + "': its "
                        + "disk size (" + diskSize + " bytes) differs from the current one (" + header.size()
                        + ") and " + image + " has persistent dirty bitmaps, which would have to be resized "
                        + "(use qemu-img snapshot -a)");
            }
            long needed = header.withActiveL1(diskSize, 0, 0).neededL1Entries();
            if (s.l1Size() < needed || s.l1Size() * 8 > Qcow2Header.MAX_L1_BYTES) {
                throw new EngineException(ErrorCode.INVALID_IMAGE, "could not apply snapshot '" + name + "': its "
                        + "L1 table of " + s.l1Size() + " entries does not fit its disk size " + diskSize);
            }
            return new MetadataGeneration.Plan(snapshots, s.l1TableOffset(), (int) s.l1Size(), (int) s.l1Size(),
                    diskSize);
        });
    }

    /** {@code qemu-img snapshot -d NAME}: removes the snapshot; clusters only it held become free. */
    public static void delete(Path image, String name, ProgressListener progress, BooleanSupplier cancelled)
            throws IOException {
        delete(image, name, progress, cancelled, note -> { });
    }

    /** As above; {@code notes} receives what was done besides (a dirty image repaired first). */
    public static void delete(Path image, String name, ProgressListener progress, BooleanSupplier cancelled,
                              Consumer<String> notes) throws IOException {
        delete(image, name, Lookup.NAME, progress, cancelled, notes);
    }

    /** Removes the snapshot with id {@code id} (names may repeat; a list shown to a user picks by id). */
    public static void deleteById(Path image, String id, ProgressListener progress, BooleanSupplier cancelled,
                                  Consumer<String> notes) throws IOException {
        delete(image, id, Lookup.ID, progress, cancelled, notes);
    }

    private static void delete(Path image, String name, Lookup lookup, ProgressListener progress,
                               BooleanSupplier cancelled, Consumer<String> notes) throws IOException {
        change(image, "delete", name, progress, cancelled, notes, (file, header, snapshots) -> {
            List<SnapshotTable.Snapshot> next = new ArrayList<>(snapshots);
            next.remove(find(snapshots, name, lookup, "delete", image));
            return new MetadataGeneration.Plan(next, header.l1TableOffset(), header.l1Size(), header.l1Size(),
                    header.size());
        });
    }

    private static void change(Path image, String verb, String name, ProgressListener progress,
                               BooleanSupplier cancelled, Consumer<String> notes, Change change) throws IOException {
        repairIfDirty(image, verb, name).ifPresent(notes);
        try (InspectionChannel file = InspectionChannel.open(image, true);
             RepairLock ignored = lock(file, image)) {
            Qcow2Header header = HeaderFile.read(file.channel());
            requireSupported(header, image, verb, name);
            if (header.isDirty()) { // dirtied again between the repair and the lock, by a writer now gone
                throw refused(verb, name, image + " was not closed cleanly (dirty bit: its refcounts lag "
                        + "behind); repair it first (qcowctl check -r all)");
            }
            MetadataGeneration.requireConsistent(file.channel(), header, image.toString(), progress);
            List<SnapshotTable.Snapshot> snapshots = header.nbSnapshots() == 0 ? List.of()
                    : SnapshotTableReader.read(file.channel(), header).entries();
            MetadataGeneration.commit(file.channel(), header, change.plan(file.channel(), header, snapshots),
                    progress, cancelled);
        }
    }

    /**
     * A dirty image (a writer with lazy refcounts stopped without writing them back) gets the repair every
     * writable open gives it, after the checks that would refuse the image anyway (so a refused image is left
     * untouched); returns what was repaired, for the user.
     */
    private static Optional<String> repairIfDirty(Path image, String verb, String name) throws IOException {
        try (InspectionChannel file = InspectionChannel.open(image, false)) {
            Qcow2Header header = HeaderFile.read(file.channel());
            if (!header.isDirty()) {
                return Optional.empty();
            }
            requireSupported(header, image, verb, name);
        }
        try {
            return ImageChecker.repairIfDirty(image);
        } catch (EngineException e) {
            throw e.code() == ErrorCode.IN_USE ? inUse(image, e) : e;
        }
    }

    private static RepairLock lock(InspectionChannel file, Path image) throws EngineException {
        try {
            return RepairLock.exclusive(file.channel(), image);
        } catch (EngineException e) {
            throw e.code() == ErrorCode.IN_USE ? inUse(image, e) : e;
        }
    }

    private static EngineException inUse(Path image, EngineException cause) {
        // Any other opener, even a reader, would see the metadata change under it.
        return new EngineException(ErrorCode.IN_USE, image + " is in use (attached, or open in QEMU); detach it "
                + "first", cause);
    }

    private static EngineException refused(String verb, String name, String why) {
        return new EngineException(ErrorCode.UNSUPPORTED, "could not " + verb + " snapshot '" + name + "': " + why);
    }

    private static void requireSupported(Qcow2Header header, Path image, String verb, String name)
            throws EngineException {
        String why = null;
        if (header.isCorrupt()) {
            why = image + " is marked corrupt; repair it first (qcowctl check -r all)";
        } else if (header.hasExternalDataFile()) {
            why = "internal snapshots are not possible with an external data file (" + image + "), as in QEMU";
        } else if (header.cryptMethod() != 0) {
            why = "internal snapshots of encrypted images are not supported";
        }
        if (why != null) {
            throw refused(verb, name, why);
        }
    }

    /** How NAME is looked up. */
    private enum Lookup {
        /** qemu's find_snapshot_by_id_or_name (apply). */
        ID_THEN_NAME("id or name"),
        /** qemu-img's bdrv_snapshot_find (delete). */
        NAME("name"),
        ID("id");

        final String words;

        Lookup(String words) {
            this.words = words;
        }
    }

    /** The first snapshot whose id, then name, is NAME, as {@code lookup} allows. */
    private static int find(List<SnapshotTable.Snapshot> snapshots, String name, Lookup lookup, String verb,
                            Path image) throws EngineException {
        for (int i = 0; lookup != Lookup.NAME && i < snapshots.size(); i++) {
            if (snapshots.get(i).id().equals(name)) {
                return i;
            }
        }
        for (int i = 0; lookup != Lookup.ID && i < snapshots.size(); i++) {
            if (snapshots.get(i).name().equals(name)) {
                return i;
            }
        }
        throw new EngineException(ErrorCode.INVALID_ARGUMENT, "could not " + verb + " snapshot '" + name + "': "
                + image + " has no snapshot with that " + lookup.words);
    }

    /** qemu's find_new_snapshot_id: one more than the highest numeric id. */
    static String nextId(List<SnapshotTable.Snapshot> snapshots) {
        long max = 0;
        for (SnapshotTable.Snapshot s : snapshots) {
            // QEMU reads ids with strtoul: the leading digits count, anything else reads as 0.
            String digits = s.id().replaceFirst("^\\s*([0-9]{1,18}).*$", "$1");
            if (!digits.isEmpty() && Character.isDigit(digits.charAt(0))) {
                max = Math.max(max, Long.parseLong(digits));
            }
        }
        return Long.toUnsignedString(max + 1);
    }
}
