package qcowdesk.cli.lifecycle;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

import qcowdesk.cli.CliRun;
import qcowdesk.engine.qcow2.BitmapDirectoryReader;
import qcowdesk.engine.qcow2.HeaderFile;
import qcowdesk.engine.qcow2.format.BitmapDirectory;
import qcowdesk.engine.qcow2.format.Qcow2Header;
import qcowdesk.engine.qcow2.tools.ImageInfo;
import qcowdesk.testkit.Peers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static qcowdesk.cli.lifecycle.LifecycleImages.checkClean;
import static qcowdesk.cli.lifecycle.LifecycleImages.create;
import static qcowdesk.cli.lifecycle.LifecycleImages.io;

/**
 * {@code snapshot -c/-a/-d} against qemu-img snapshot on the same images: what we create QEMU lists and restores,
 * what QEMU created we restore, contents compared with {@code qemu-img compare}, and {@code qemu-img check} clean
 * (refcounts and COPIED flags exact) after every step, including QEMU's own writes after ours.
 */
class InternalSnapshotTest {

    @TempDir
    Path dir;

    @Test
    void ourSnapshotIsListedAndRestoredByQemu() throws Exception {
        Path image = image("ours.qcow2");
        Path then = copy(image, "ours-then.qcow2");
        ok("snapshot", "-c", "before", image.toString());
        checkClean(image);
        String list = Peers.ok("qemu-img", "snapshot", "-l", image.toString()).stdout();
        assertTrue(list.lines().anyMatch(l -> l.matches("1\\s+before\\s+0 B .*00:00:00\\.000\\s+0")), list);
        assertEquals(list, ok("snapshot", "-l", image.toString()).out());
        identical(then, image);
        io(image, "write -P 7 0 6M", "write -P 8 20M 64k", "write -z 14M 64k"); // QEMU writes over shared clusters
        checkClean(image);
        different(then, image);
        Peers.ok("qemu-img", "snapshot", "-a", "before", image.toString());
        checkClean(image);
        identical(then, image);
        Peers.ok("qemu-img", "snapshot", "-d", "before", image.toString());
        checkClean(image);
        identical(then, image);
    }

    @Test
    void qemusSnapshotIsRestoredByUs() throws Exception {
        Path image = image("theirs.qcow2");
        Path then = copy(image, "theirs-then.qcow2");
        Peers.ok("qemu-img", "snapshot", "-c", "q", image.toString());
        io(image, "write -P 7 1M 6M", "write -P 9 30M 2M");
        Path now = copy(image, "theirs-now.qcow2");
        ok("snapshot", "-c", "mine", image.toString());
        checkClean(image);
        ok("snapshot", "-a", "q", image.toString());
        checkClean(image);
        identical(then, image);
        io(image, "write -P 5 0 3M"); // COPIED flags after our apply: QEMU must copy on write into shared clusters
        checkClean(image);
        ok("snapshot", "-a", "mine", image.toString());
        checkClean(image);
        identical(now, image);
        ok("snapshot", "-a", "1", image.toString()); // an id is looked up before names
        identical(then, image);
        Peers.ok("qemu-img", "snapshot", "-a", "mine", image.toString());
        identical(now, image);
        checkClean(image);
    }

    @Test
    void deleteFreesWhatOnlyThatSnapshotHeld() throws Exception {
        Path image = image("delete.qcow2");
        ok("snapshot", "-c", "old", image.toString());
        io(image, "write -P 7 0 4M", "write -P 3 12M 4M"); // 8 MiB now held only by the snapshot
        Path now = copy(image, "delete-now.qcow2");
        ok("snapshot", "-d", "old", image.toString());
        checkClean(image);
        identical(now, image);
        assertEquals("", Peers.ok("qemu-img", "snapshot", "-l", image.toString()).stdout());
        long size = Files.size(image);
        // New data goes into the freed clusters: the file does not grow by 8 MiB. (One write per MiB: QEMU
        // allocates a request's clusters as one contiguous run, and the freed runs are 4 MiB each.)
        io(image, "write -P 4 20M 1M", "write -P 4 21M 1M", "write -P 4 22M 1M", "write -P 4 23M 1M",
                "write -P 4 24M 1M", "write -P 4 25M 1M", "write -P 4 26M 1M", "write -P 4 27M 1M");
        checkClean(image);
        assertTrue(Files.size(image) < size + (1L << 20), Files.size(image) + " after " + size);
        Peers.ok("qemu-img", "snapshot", "-c", "q", image.toString());
        ok("snapshot", "-d", "q", image.toString()); // and one QEMU made
        checkClean(image);
    }

    @Test
    void repeatedChangesReuseTheSpaceTheyFreed() throws Exception {
        Path image = image("repeat.qcow2");
        ok("snapshot", "-c", "s", image.toString());
        ok("snapshot", "-d", "s", image.toString());
        long settled = Files.size(image);
        for (int i = 0; i < 8; i++) {
            ok("snapshot", "-c", "s" + i, image.toString());
            ok("snapshot", "-a", "s" + i, image.toString());
            ok("snapshot", "-d", "s" + i, image.toString());
        }
        checkClean(image);
        // Each generation goes where the one before it was freed: 24 changes, and the file has not grown.
        assertTrue(Files.size(image) <= settled + (256 << 10), Files.size(image) + " after " + settled);
    }

    @Test
    void idsNamesAndSizesFollowQemu() throws Exception {
        Path image = image("ids.qcow2");
        Path small = copy(image, "ids-small.qcow2");
        ok("snapshot", "-c", "same", image.toString());
        ok("snapshot", "-c", "same", image.toString());
        CliRun byId = CliRun.of("snapshot", "-d", "1", image.toString()); // delete takes names only, as qemu-img
        assertEquals(Peers.run("qemu-img", "snapshot", "-d", "1", image.toString()).exitCode(), byId.exitCode());
        ok("snapshot", "-d", "same", image.toString()); // the first of that name
        ok("snapshot", "-c", "", image.toString());
        List<String> rows = Peers.ok("qemu-img", "snapshot", "-l", image.toString()).stdout().lines().skip(2)
                .map(l -> l.replaceFirst("^(\\S+)\\s+(.*?)\\s+0 B .*$", "$1:$2")).toList();
        assertEquals(List.of("2:same", "3:"), rows);
        Peers.ok("qemu-img", "resize", "-q", image.toString(), "+32M");
        io(image, "write -P 6 60M 1M");
        checkClean(image);
        ok("snapshot", "-a", "same", image.toString()); // the disk size recorded with the snapshot comes back
        assertEquals(ImageInfo.of(small).virtualSize(), ImageInfo.of(image).virtualSize());
        identical(small, image);
        checkClean(image);
    }

    /** The layouts the format allows: each step checks clean and restores what it should, ours and QEMU's mixed. */
    @ParameterizedTest
    @ValueSource(strings = {"compat=0.10", "extended_l2=on,cluster_size=128k", "cluster_size=2M",
            "refcount_bits=64", "cluster_size=512", "refcount_bits=8", "backing"})
    void everyLayout(String options) throws Exception {
        Path image;
        if (options.equals("backing")) {
            Path base = image("layout-base.qcow2");
            image = create(dir, "layout.qcow2", "32M", "-b", base.getFileName().toString(), "-F", "qcow2");
            io(image, "write -P 4 1M 64k", "write -z 12M 64k");
        } else {
            image = create(dir, "layout.qcow2", "32M", "-o", options);
            io(image, "write -P 1 0 4M", "write -P 2 5M 3k", "write -P 3 20M 1M");
        }
        Path then = copy(image, "layout-then.qcow2");
        ok("snapshot", "-c", "one", image.toString());
        checkClean(image);
        io(image, "write -P 7 0 2M", "write -P 8 5M 1k", "write -P 9 30M 64k");
        checkClean(image);
        Path now = copy(image, "layout-now.qcow2");
        Peers.ok("qemu-img", "snapshot", "-c", "two", image.toString());
        Peers.ok("qemu-img", "snapshot", "-a", "one", image.toString());
        identical(then, image);
        ok("snapshot", "-a", "two", image.toString());
        checkClean(image);
        identical(now, image);
        ok("snapshot", "-d", "one", image.toString());
        checkClean(image);
        Peers.ok("qemu-img", "snapshot", "-d", "two", image.toString());
        checkClean(image);
        identical(now, image);
    }

    @Test
    void unknownNamesAndBrokenImagesAreRefusedUntouched() throws Exception {
        Path image = image("refuse.qcow2");
        ok("snapshot", "-c", "s", image.toString());
        byte[] before = Files.readAllBytes(image);
        for (String action : new String[] {"-a", "-d"}) {
            CliRun run = CliRun.of("snapshot", action, "nope", image.toString());
            assertEquals(1, run.exitCode(), run.err());
            assertTrue(run.err().contains("snapshot 'nope'") && run.err().contains("no snapshot with that"),
                    run.err());
        }
        assertArrayEquals(before, Files.readAllBytes(image));
        byte[] bytes = Files.readAllBytes(image);
        bytes[79] |= 2; // incompatible feature bit 1: corrupt
        Files.write(image, bytes);
        CliRun corrupt = CliRun.of("snapshot", "-c", "x", image.toString());
        assertEquals(1, corrupt.exitCode());
        assertTrue(corrupt.err().contains("marked corrupt") && corrupt.err().contains("repair it first"),
                corrupt.err());
        assertArrayEquals(bytes, Files.readAllBytes(image));
    }

    /**
     * A writer with lazy refcounts that crashed left the image dirty, its refcounts behind its L2 tables: as
     * qemu-img does on opening it, the refcounts are rebuilt first (said on stderr), then the snapshot is made.
     */
    @Test
    void aDirtyImageIsRepairedFirst() throws Exception {
        Path lazy = create(dir, "dirty.qcow2", "8M", "-o", "lazy_refcounts=on");
        io(lazy, "write -P 1 0 64k");
        Peers.ok("qemu-img", "snapshot", "-c", "q", lazy.toString());
        // abort(3) after the writes: the dirty bit stays set, the refcount updates were never written.
        Peers.run("qemu-io", "-f", "qcow2", "-c", "write -P 2 0 1M", "-c", "write -P 3 4M 1M", "-c", "abort",
                lazy.toString());
        assertTrue(ImageInfo.of(lazy).dirtyFlag(), "qemu-io left the image dirty");
        Path crashed = copy(lazy, "dirty-crashed.qcow2");
        assertTrue(Peers.run("qemu-img", "check", crashed.toString()).exitCode() != 0, "refcounts lag behind");
        CliRun run = ok("snapshot", "-c", "after", lazy.toString());
        assertTrue(run.err().contains("not closed cleanly") && run.err().contains("refcounts rebuilt"), run.err());
        assertFalse(ImageInfo.of(lazy).dirtyFlag());
        checkClean(lazy);
        Peers.ok("qemu-img", "check", "-q", "-r", "all", crashed.toString());
        identical(crashed, lazy);
        String list = Peers.ok("qemu-img", "snapshot", "-l", lazy.toString()).stdout();
        assertTrue(list.contains(" q ") && list.contains(" after "), list);
        ok("snapshot", "-a", "q", lazy.toString());
        checkClean(lazy);
        Peers.ok("qemu-io", "-f", "qcow2", "-c", "read -P 1 0 64k", lazy.toString());
    }

    /**
     * Persistent dirty bitmaps (one enabled from the start, one enabled later, both with data) survive every
     * change, ours and QEMU's mixed: directory, tables and data clusters left in place byte for byte, counted in
     * the new refcounts ({@code qemu-img check} clean), listed by {@code qemu-img info} as before, and loaded and
     * stored again by QEMU's next write.
     */
    @Test
    void bitmapsAreKeptByEveryChange() throws Exception {
        Path image = image("bitmaps.qcow2");
        Peers.ok("qemu-img", "bitmap", "--add", image.toString(), "b0");
        Peers.ok("qemu-img", "bitmap", "--add", "-g", "128k", image.toString(), "b1");
        Peers.ok("qemu-img", "bitmap", "--disable", image.toString(), "b1");
        io(image, "write -P 5 1M 2M", "write -P 6 20M 64k");
        Peers.ok("qemu-img", "bitmap", "--enable", image.toString(), "b1");
        io(image, "write -P 7 3M 1M", "write -P 7 30M 1M");
        JsonNode bitmaps = bitmaps(image);
        assertEquals(2, bitmaps.size(), bitmaps.toString());
        Path then = copy(image, "bitmaps-then.qcow2");

        keptBy(image, bitmaps, "-c", "one");
        io(image, "write -P 8 0 1M", "write -P 8 24M 1M"); // QEMU stores the bitmaps anew, elsewhere
        checkClean(image);
        Path now = copy(image, "bitmaps-now.qcow2");
        keptBy(image, bitmaps, "-a", "one");
        identical(then, image);
        keptBy(image, bitmaps, "-c", "two");
        Peers.ok("qemu-img", "snapshot", "-c", "three", image.toString());
        keptBy(image, bitmaps, "-d", "one");
        keptBy(image, bitmaps, "-a", "three");
        identical(then, image);
        io(image, "write -P 9 5M 64k");
        checkClean(image);
        assertEquals(bitmaps, bitmaps(image));
        Peers.ok("qemu-img", "snapshot", "-d", "two", image.toString());
        keptBy(image, bitmaps, "-d", "three");
        checkClean(image);
        different(now, image);
    }

    /**
     * A bitmap flagged in use (its writer died before storing it) is inconsistent for QEMU, which keeps it as it is
     * through qemu-img snapshot (it never stores an inconsistent bitmap back): so do we, flag and all.
     */
    @Test
    void anInUseBitmapStaysAsQemuLeavesIt() throws Exception {
        Path image = image("inuse.qcow2");
        Peers.ok("qemu-img", "bitmap", "--add", image.toString(), "b0");
        Peers.ok("qemu-img", "bitmap", "--add", image.toString(), "b1");
        io(image, "write -P 5 1M 2M");
        markInUse(image, 0);
        Path theirs = copy(image, "inuse-theirs.qcow2");
        JsonNode bitmaps = bitmaps(image);
        assertEquals("[\"in-use\",\"auto\"]", bitmaps.get(0).get("flags").toString());
        Peers.ok("qemu-img", "snapshot", "-c", "s", theirs.toString());
        keptBy(image, bitmaps, "-c", "s");
        assertEquals(bitmaps(theirs), bitmaps(image));
        keptBy(image, bitmaps, "-a", "s");
        keptBy(image, bitmaps, "-d", "s");
    }

    /** QEMU resizes the bitmaps when a snapshot of another size is applied; that is refused here, untouched. */
    @Test
    void applyingAnotherSizeIsRefusedWithBitmaps() throws Exception {
        Path image = image("resized.qcow2");
        Peers.ok("qemu-img", "bitmap", "--add", image.toString(), "b0");
        ok("snapshot", "-c", "small", image.toString());
        Peers.ok("qemu-img", "resize", "-q", image.toString(), "+32M");
        byte[] before = Files.readAllBytes(image);
        CliRun run = CliRun.of("snapshot", "-a", "small", image.toString());
        assertEquals(1, run.exitCode(), run.err());
        assertTrue(run.err().contains("persistent dirty bitmaps") && run.err().contains("resized"), run.err());
        assertArrayEquals(before, Files.readAllBytes(image));
    }

    /** Runs our {@code snapshot ACTION NAME}; the bitmaps must come out exactly as they went in. */
    private void keptBy(Path image, JsonNode bitmaps, String action, String name) throws Exception {
        byte[] stored = bitmapClusters(image);
        ok("snapshot", action, name, image.toString());
        checkClean(image);
        assertEquals(bitmaps, bitmaps(image), "snapshot " + action + " " + name);
        assertArrayEquals(stored, bitmapClusters(image), "snapshot " + action + " " + name
                + ": the bitmaps' clusters moved or changed");
    }

    /** What {@code qemu-img info --output=json} lists as the image's bitmaps. */
    private static JsonNode bitmaps(Path image) throws Exception {
        String json = Peers.ok("qemu-img", "info", "--output=json", image.toString()).stdout();
        return new ObjectMapper().readTree(json).path("format-specific").path("data").path("bitmaps");
    }

    /**
     * The bitmaps as stored: the directory, each bitmap table and each data cluster, each with its offset, so
     * that a move shows as well as a change. Fails unless some bitmap holds data (a table with entries).
     */
    private static byte[] bitmapClusters(Path image) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int dataClusters = 0;
        try (FileChannel file = FileChannel.open(image, StandardOpenOption.READ)) {
            Qcow2Header header = HeaderFile.read(file);
            BitmapDirectoryReader.Contents contents = BitmapDirectoryReader.read(file, header);
            region(file, contents.directoryOffset(), contents.directorySize(), out);
            for (BitmapDirectory.Entry entry : contents.entries()) {
                ByteBuffer table = region(file, entry.tableOffset(), entry.tableSize() * 8, out);
                while (table.hasRemaining()) {
                    long offset = table.getLong() & BitmapDirectory.TABLE_ENTRY_OFFSET_MASK;
                    if (offset != 0) {
                        region(file, offset, header.clusterSize(), out);
                        dataClusters++;
                    }
                }
            }
        }
        assertTrue(dataClusters > 0, "no bitmap of " + image + " holds data");
        return out.toByteArray();
    }

    private static ByteBuffer region(FileChannel file, long offset, long length, ByteArrayOutputStream out)
            throws Exception {
        ByteBuffer bytes = ByteBuffer.allocate((int) length);
        while (bytes.hasRemaining() && file.read(bytes, offset + bytes.position()) >= 0) {
            // read on until full
        }
        out.write(ByteBuffer.allocate(8).putLong(offset).array());
        out.write(bytes.array());
        return bytes.flip();
    }

    /** Sets the in-use flag (bit 0 of the flags at byte 12 of its entry) of the image's bitmap number {@code n}. */
    private static void markInUse(Path image, int n) throws Exception {
        try (FileChannel file = FileChannel.open(image, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            Qcow2Header header = HeaderFile.read(file);
            BitmapDirectoryReader.Contents contents = BitmapDirectoryReader.read(file, header);
            long at = contents.directoryOffset();
            ByteBuffer dir = ByteBuffer.allocate((int) contents.directorySize());
            file.read(dir, at);
            int entry = 0;
            for (int i = 0; i < n; i++) { // entries: 24 bytes, the name, extra data, padded to 8
                int length = 24 + dir.getInt(entry + 20) + (dir.getShort(entry + 18) & 0xffff);
                entry += (length + 7) & ~7;
            }
            ByteBuffer flags = ByteBuffer.allocate(4).putInt(0, dir.getInt(entry + 12) | 1);
            file.write(flags, at + entry + 12);
        }
    }

    /** A 32 MiB image with data, a compressed cluster, zero clusters and holes. */
    private Path image(String name) {
        Path image = create(dir, name, "32M");
        io(image, "write -P 1 0 4M", "write -c -P 2 8M 64k", "write -z 10M 1M", "write -P 3 12M 4M");
        return image;
    }

    private Path copy(Path image, String name) throws Exception {
        return Files.copy(image, dir.resolve(name));
    }

    private static CliRun ok(String... args) {
        CliRun run = CliRun.of(args);
        assertEquals(0, run.exitCode(), String.join(" ", args) + ": " + run.err());
        return run;
    }

    private static void identical(Path expected, Path image) {
        Peers.ok("qemu-img", "compare", "-q", expected.toString(), image.toString());
    }

    private static void different(Path expected, Path image) {
        assertEquals(1, Peers.run("qemu-img", "compare", "-q", expected.toString(), image.toString()).exitCode());
    }
}
